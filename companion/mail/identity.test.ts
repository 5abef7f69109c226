import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyHash, contentKey, normaliseSubject, threadKey } from './identity.ts';

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
