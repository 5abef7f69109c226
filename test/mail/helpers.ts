// Shared by the mail tests: a vault whose mail account points at the test Dovecot, and generated messages.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { renderTable } from '../../contract/index.ts';
import { makeTestContext, type TestContext } from '../support/context.ts';
import type { Dovecot } from '../support/dovecot.ts';

export const ACCOUNTS_NOTE = 'AIOS/Rules/Mail accounts.md';

export function accountsNote(d: Pick<Dovecot, 'port' | 'user'>, mailboxes = 'INBOX'): string {
  return `---\naios_kind: rules\nrules_type: mail_accounts\n---\n# Mail accounts\n\n${renderTable(
    ['Account', 'Address', 'Host', 'Port', 'Security', 'User', 'Auth', 'Mailboxes', 'Token URL', 'Client ID'],
    [['main', 'anna@kestrel-print.example', '127.0.0.1', String(d.port), 'none', d.user, 'password', mailboxes, '', '']],
  )}`;
}

/** Writes the account row into a vault folder (before or after a context is made). */
export function writeAccount(vaultDir: string, d: Pick<Dovecot, 'port' | 'user'>, mailboxes = 'INBOX'): void {
  writeFileSync(join(vaultDir, ACCOUNTS_NOTE), accountsNote(d, mailboxes));
}

export function mailContext(d: Dovecot, opts: Parameters<typeof makeTestContext>[0] & { mailboxes?: string } = {}): TestContext {
  const t = makeTestContext({
    now: new Date('2026-11-26T09:00:00Z'),
    ...opts,
    env: { AIOS_SECRETS_FILE: '/nonexistent/secrets.json', AIOS_MAIL_MAIN_PASSWORD: d.password, ...opts.env },
  });
  writeAccount(t.vaultDir, d, opts.mailboxes);
  t.index.noteChanged(ACCOUNTS_NOTE);
  return t;
}

/** A realistic message; `i` makes it unique. */
export function message(i: number, opts: { from?: string; subject?: string; date?: Date; html?: boolean; bodyKb?: number; attachment?: { name: string; bytes: number } } = {}): string {
  const from = opts.from ?? `Client ${i % 7} <client${i % 7}@customer${i % 5}.example>`;
  const date = (opts.date ?? new Date(Date.UTC(2026, 10, 20, 8, 0, 0) + i * 60_000)).toUTCString().replace('GMT', '+0000');
  const para = `Message ${i}: please confirm the order for business cards and flyers, delivery next week. `;
  const text = para.repeat(Math.max(1, Math.round(((opts.bodyKb ?? 1) * 1024) / para.length)));
  const head = `From: ${from}\r\nTo: Anna Sokolova <anna@kestrel-print.example>\r\nSubject: ${opts.subject ?? `Order ${i}`}\r\nDate: ${date}\r\nMessage-ID: <msg-${i}@test.example>\r\nMIME-Version: 1.0\r\n`;
  const body = opts.html ? `<html><body><p>${text}</p><img src="https://t.example/p.gif?i=${i}"></body></html>` : text;
  const type = opts.html ? 'text/html' : 'text/plain';
  if (!opts.attachment) return `${head}Content-Type: ${type}; charset=utf-8\r\n\r\n${body}\r\n`;
  const b64 = Buffer.alloc(opts.attachment.bytes, i % 251).toString('base64').replace(/.{76}/g, '$&\r\n');
  return `${head}Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: ${type}; charset=utf-8\r\n\r\n${body}\r\n--b${i}\r\nContent-Type: application/pdf; name="${opts.attachment.name}"\r\nContent-Disposition: attachment; filename="${opts.attachment.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b${i}--\r\n`;
}

/** Every file under a folder, vault-relative, hidden ones included. */
export function allFiles(root: string, dir = root): string[] {
  let out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(allFiles(root, p));
    else out.push(relative(root, p));
  }
  return out.sort();
}

export function mailNotes(vaultDir: string): string[] {
  try {
    statSync(join(vaultDir, 'Mail'));
  } catch {
    return [];
  }
  return allFiles(join(vaultDir, 'Mail')).filter((f) => f.endsWith('.md') && !f.split('/').pop()!.startsWith('.'));
}

export function readMail(vaultDir: string, rel: string): string {
  return readFileSync(join(vaultDir, 'Mail', rel), 'utf8');
}

/** A vault and state folder for the real CLI, seeded from the template, with the test account configured. */
export function cliVault(d: Dovecot, prefix: string): { root: string; vault: string; state: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const vault = join(root, 'vault');
  const state = join(root, 'state');
  mkdirSync(vault);
  mkdirSync(state);
  makeTestContext({ vaultDir: vault, stateDir: state }).cleanup();
  writeAccount(vault, d);
  return { root, vault, state, env: { AIOS_MAIL_MAIN_PASSWORD: d.password, AIOS_SECRETS_FILE: join(root, 'secrets.json') } };
}
