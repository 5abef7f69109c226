import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { looksLikeMbox, splitMbox } from './mbox.ts';

const MBOX = 'From a@x Mon Nov 23 10:00:00 2026\nFrom: a@x\nSubject: one\n\nbody 1\n>From the start\n\nFrom b@x Mon Nov 23 11:00:00 2026\r\nFrom: b@x\r\nSubject: two\r\n\r\nbody 2\r\n';

test('splits messages, unquotes >From, in chunks of any size', async () => {
  for (const size of [1, 7, 1000]) {
    const chunks: Buffer[] = [];
    const buf = Buffer.from(MBOX);
    for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
    const msgs: string[] = [];
    for await (const m of splitMbox(Readable.from(chunks))) msgs.push(m.toString());
    assert.deepEqual(msgs, ['From: a@x\nSubject: one\n\nbody 1\nFrom the start\n', 'From: b@x\r\nSubject: two\r\n\r\nbody 2\r\n']);
  }
});

test('sniffs mbox only by its separator line', () => {
  assert.ok(looksLikeMbox(Buffer.from(MBOX)));
  assert.ok(!looksLikeMbox(Buffer.from('From: a@x\nSubject: s\n\n')));
});

test('an oversized message fails the file with a reason', async () => {
  await assert.rejects(async () => {
    for await (const _ of splitMbox(Readable.from([Buffer.from(MBOX)]), 10)) void _;
  }, /larger than/);
});
