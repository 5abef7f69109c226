import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffStatement } from './sniff.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/statements');
const head = (rel: string) => readFileSync(join(FIXTURES, rel)).subarray(0, 65536);
const text = (s: string) => new TextEncoder().encode(s);

test('each format is told by its content, whatever the file is called', () => {
  assert.equal(sniffStatement(head('1c/taxdev_4645.txt')), '1c');
  assert.equal(sniffStatement(head('1c/one_document_utf.txt')), '1c');
  assert.equal(sniffStatement(text('\ufeff1CClientBankExchange\r\nВерсияФормата=1.03\r\n')), '1c', 'after a byte-order mark');
  assert.equal(sniffStatement(head('camt/camt053.v8.xml')), 'camt');
  assert.equal(sniffStatement(head('camt/camt052.v2.xml')), 'camt');
  assert.equal(sniffStatement(head('camt/camt054.v4.xml')), 'camt', 'claimed, then refused by the parser with its reason');
  assert.equal(sniffStatement(head('ofx/checking.ofx')), 'ofx');
  assert.equal(sniffStatement(text('<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX></OFX>')), 'ofx');
  assert.equal(sniffStatement(head('mt940/jejik_abnamro.sta')), 'mt940');
  assert.equal(sniffStatement(text('{1:F01COBADEFFAXXX0000000000}{2:I940COBADEFFXXXXN}{4:\r\n:20:STARTUMS\r\n:25:37040044/0532013000\r\n:60F:C261109EUR1000,00\r\n-}')), 'mt940');
  assert.equal(sniffStatement(head('csv/alfa-bank.csv')), 'csv');
});

test('what is not a statement is not claimed', () => {
  assert.equal(sniffStatement(new Uint8Array()), undefined);
  assert.equal(sniffStatement(head('1c/binary.bin')), undefined, 'a PNG image');
  assert.equal(sniffStatement(text('Dear Anna,\nthe invoice is attached.\n')), undefined, 'plain text');
  assert.equal(sniffStatement(text('<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')), undefined);
  assert.equal(sniffStatement(text('only;one;line\n')), undefined, 'one line is no table');
});
