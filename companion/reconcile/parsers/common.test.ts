import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../../contract/money.ts';
import { InvoiceFormatError, type InvoiceDoc } from '../types.ts';
import { accountsOf, amount, decodeBytes, invoiceKey, isoCurrency, isoDate, readXml, settle, xmlEncoding, xmlTree } from './common.ts';

const m = (s: string) => parseMoney(s);

test('amounts are plain decimals only: a sign and one decimal point, nothing a float or a locale could misread', () => {
  assert.equal(amount(' 250.33 ', 'x', 'f.xml', 'ubl'), m('250.33'));
  assert.equal(amount('+0.10', 'x', 'f.xml', 'ubl'), m('0.10'));
  assert.equal(amount('-782179.43', 'x', 'f.xml', 'ubl'), -m('782179.43'));
  assert.equal(amount('0.1212', 'x', 'f.xml', 'ubl'), m('0.1212'));
  assert.equal(amount('1830,50', 'x', 'f.xml', 'commerceml', ','), m('1830.50'));
  for (const bad of ['1e5', '1,234.56', '12a', '', '0x10', '1 000', '.', '1.2.3']) {
    assert.throws(() => amount(bad, 'PayableAmount', 'f.xml', 'ubl'), (e: unknown) => e instanceof InvoiceFormatError && e.message.startsWith('f.xml: PayableAmount "') && /not a plain decimal/.test(e.message), bad);
  }
  assert.throws(() => amount('1.123456', 'x', 'f.xml', 'ubl'), /more than 5 decimal places/);
});

test('dates in the forms the formats write; impossible dates are none', () => {
  assert.equal(isoDate('2026-11-05'), '2026-11-05');
  assert.equal(isoDate('2026-11-05T10:00:00'), '2026-11-05');
  assert.equal(isoDate('20130305'), '2013-03-05');
  assert.equal(isoDate('05.11.2026'), '2026-11-05');
  assert.equal(isoDate('2026-02-30'), undefined);
  assert.equal(isoDate('0001-01-01T00:00:00'), undefined);
  assert.equal(isoDate('next week'), undefined);
});

test('currencies as accounting systems write them', () => {
  assert.deepEqual(['EUR', 'eur', 'RUR', 'руб', 'руб.', '643', '978', 'р.', 'рубль'].map(isoCurrency), ['EUR', 'EUR', 'RUB', 'RUB', 'RUB', 'RUB', 'EUR', 'RUB', 'RUB']);
  assert.equal(isoCurrency('999'), undefined);
  assert.equal(isoCurrency('dollars'), undefined);
});

test('a negative document is the opposite one for the absolute amounts', () => {
  assert.deepEqual(settle('invoice', { payable: -m('10000'), prepaid: -m('834.90'), vat: -m('2167') }),
    { type: 'credit_note', total: m('10834.90'), vat: m('2167'), prepaid: m('834.90') });
  assert.deepEqual(settle('credit_note', { payable: m('3.57'), prepaid: 0n }), { type: 'credit_note', total: m('3.57') });
  assert.deepEqual(settle('credit_note', { payable: -m('5') }), { type: 'invoice', total: m('5') });
  // Total is what is due plus what was paid before: the outstanding amount is the document's payable amount.
  assert.deepEqual(settle('invoice', { payable: m('75000'), prepaid: m('400000') }), { type: 'invoice', total: m('475000'), prepaid: m('400000') });
});

test('accounts: spaces gone, upper case, once each; placeholders without a digit dropped', () => {
  assert.deepEqual(accountsOf(['NL57 RABO 0107307510', 'nl57rabo0107307510', 'IBAN', 'XX', undefined, ' 40702810400000012345 ']), ['NL57RABO0107307510', '40702810400000012345']);
  assert.equal(accountsOf(['A']), undefined);
});

test('XML: the declared encoding is honoured; broken XML and undeclared entities refuse the file', () => {
  const cp = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="windows-1251"?><a>'), Buffer.from([0xd1, 0xf7, 0xe5, 0xf2]), Buffer.from('</a>')]);
  assert.equal(xmlEncoding(cp), 'windows-1251');
  assert.equal(xmlTree(decodeBytes(cp, xmlEncoding(cp), 'cp.xml', 'commerceml'), 'cp.xml', 'commerceml').text, 'Счет');
  assert.equal(xmlEncoding(Buffer.from('\ufeff<a/>')), 'utf-8');
  assert.throws(() => xmlTree(['<a><b></a>'], 'broken.xml', 'ubl'), /broken\.xml: broken XML: /);
  assert.throws(() => xmlTree(['<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'], 'xxe.xml', 'ubl'), /xxe\.xml: broken XML/);
  assert.throws(() => xmlTree([''], 'empty.xml', 'ubl'), /empty\.xml: broken XML: document must contain a root element/);
  assert.throws(() => [...decodeBytes(Buffer.from([0x3c, 0x61, 0xff, 0x3e]), 'utf-8', 'bad.xml', 'ubl')], /bad\.xml: the bytes are not valid utf-8 text/);
  assert.throws(() => [...decodeBytes(Buffer.from('<a/>'), 'x-klingon', 'k.xml', 'ubl')], /k\.xml: the file declares the encoding "x-klingon"/);
});

test('XML: namespaces are resolved by prefix scope, and only the captured elements become trees', () => {
  const seen: string[] = [];
  readXml(['<r xmlns="urn:a" xmlns:p="urn:p"><p:x><y>1</y></p:x><x xmlns="urn:b"><y>2</y></x><big>skip</big></r>'], 'ns.xml', 'x', {
    capture: (depth, name) => depth === 1 && name === 'x',
    onNode: (n) => seen.push(`${n.uri}:${n.children[0]!.uri}:${n.children[0]!.text}`),
  });
  assert.deepEqual(seen, ['urn:p:urn:a:1', 'urn:b:urn:b:2']);
});

test('the dedup key is the same for the same document from any source and differs for another one', () => {
  const base: InvoiceDoc = { source: 'ubl', type: 'invoice', number: 'tosl108', issued: '2013-06-30', currency: 'NOK', total: 1n, seller: { taxId: 'no123456789mva' }, buyer: { name: 'The Buyercompany' }, sourceRef: 'a.xml' };
  assert.equal(invoiceKey(base), invoiceKey({ ...base, source: 'cii', number: ' TOSL108 ', sourceRef: 'b.xml', seller: { taxId: 'NO123456789MVA', name: 'x' }, buyer: { name: 'the buyercompany' } }));
  assert.notEqual(invoiceKey(base), invoiceKey({ ...base, type: 'credit_note' }));
  assert.notEqual(invoiceKey(base), invoiceKey({ ...base, issued: '2013-07-01' }));
});
