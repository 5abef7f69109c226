import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountError, parseAccounts } from './accounts.ts';

test('rows become accounts with defaults', () => {
  const [a] = parseAccounts([{ account: 'Main', address: 'Anna@Kestrel-Print.example', host: 'imap.example', port: '', security: '', user: '', auth: '', mailboxes: '', token_url: '', client_id: '' }], 'INBOX,Sent');
  assert.deepEqual(a, { name: 'main', address: 'anna@kestrel-print.example', host: 'imap.example', port: 993, security: 'tls', user: 'anna@kestrel-print.example', auth: 'password', mailboxes: ['INBOX', 'Sent'] });
});

test('a bad row is an error naming the row', () => {
  assert.throws(() => parseAccounts([{ account: 'x y', address: 'a@b', host: 'h' }], 'INBOX'), (e: Error) => e instanceof AccountError && /row 1/.test(e.message));
  assert.throws(() => parseAccounts([{ account: 'g', address: 'a@b', host: 'h', auth: 'oauth2' }], 'INBOX'), /token url/);
});
