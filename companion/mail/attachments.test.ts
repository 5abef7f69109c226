import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentFileNames, attachmentFolder } from './attachments.ts';

test('attachment names cannot leave their folder or hide', () => {
  const names = attachmentFileNames([
    { name: '../../x', contentType: 'application/octet-stream' },
    { name: '/etc/passwd', contentType: 'text/plain' },
    { name: '..\\..\\win.ini', contentType: 'text/plain' },
    { name: '.hidden', contentType: 'text/plain' },
    { name: '..', contentType: 'application/pdf' },
    { name: 'Счёт 15.pdf', contentType: 'application/pdf' },
    { name: 'Счёт 15.pdf', contentType: 'application/pdf' },
    { name: 'a[[b]]|c#d.txt', contentType: 'text/plain' },
  ]);
  assert.deepEqual(names, ['x', 'passwd', 'win.ini', 'hidden', 'attachment-5.pdf', 'Счёт 15.pdf', 'Счёт 15 (2).pdf', 'a b c d.txt']);
  for (const n of names) assert.ok(!n.includes('/') && !n.includes('\\') && !n.startsWith('.'), n);
});

test('the folder is per message, under the attachments folder', () => {
  assert.equal(attachmentFolder('Attachments', '2026-11-24 1000 Invoice abc', '2026-11-24T10:00:00'), 'Attachments/2026/11/2026-11-24 1000 Invoice abc');
});
