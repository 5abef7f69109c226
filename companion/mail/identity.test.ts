import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyHash, collapse, contentKey, normaliseSubject, threadKey } from './identity.ts';

test('thread key: first reference, else in-reply-to, else own id, else subject', () => {
  assert.equal(threadKey({ references: ['<a@x>', '<b@x>'], inReplyTo: '<b@x>', messageId: '<c@x>', subject: 'Re: x' }), '<a@x>');
  assert.equal(threadKey({ references: [], inReplyTo: '<b@x>', messageId: '<c@x>', subject: 'x' }), '<b@x>');
  assert.equal(threadKey({ references: [], messageId: '<c@x>', subject: 'x' }), '<c@x>');
  assert.equal(threadKey({ references: [], subject: 'Re: Fwd: Счёт' }), 'subject:счёт');
});

test('subjects lose reply prefixes in several languages', () => {
  assert.equal(normaliseSubject('RE: Fwd: AW: Отв: Order 5'), 'Order 5');
});

test('body hash ignores whitespace changes but not text changes', () => {
  const a = bodyHash({ text: 'Hello  Anna\r\n', attachments: [] });
  assert.equal(a, bodyHash({ text: 'Hello Anna', attachments: [] }));
  assert.notEqual(a, bodyHash({ text: 'Hello Ann', attachments: [] }));
  assert.equal(contentKey('<m@x>', a), `<m@x>|${a}`);
});

test('body hash is stable across versions: the ingest log keys messages by it', () => {
  // Pinned: a change here would make every message already ingested look new.
  assert.equal(bodyHash({ text: ' Dear Anna,\r\n\r\n  the order\u00a0is\tready. ', html: '<p>x</p>', attachments: [{ name: 'a.pdf', contentType: 'application/pdf', size: 1, open: () => Promise.reject(new Error('unused')) }] }), '506d0d301702aa11');
  // The fast collapse gives what replacing every whitespace run gives.
  const pieces = [' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\ufeff', 'a', 'bc', 'д', ''];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % pieces.length;
  for (let i = 0; i < 5000; i++) {
    let s = '';
    for (let j = next(); j > 0; j--) s += pieces[next()];
    assert.equal(collapse(s), s.replace(/\s+/g, ' ').trim(), JSON.stringify(s));
  }
});
