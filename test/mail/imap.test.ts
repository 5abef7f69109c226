// IMAP into the vault against a real Dovecot on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { mailJob } from '../../companion/mail/index.ts';
import { allFiles, mailContext, mailNotes, message, readMail } from './helpers.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { validateFrontmatter } from '../../contract/index.ts';

let d: Dovecot;
before(async () => {
  d = await startDovecot();
});
after(() => d?.cleanup());

test('200 messages give 200 notes; a second run gives none; a recreated mailbox adds no duplicate', async () => {
  const msgs = Array.from({ length: 200 }, (_, i) => message(i, { html: i % 4 === 0 }));
  await d.append('INBOX', msgs);
  const t = mailContext(d);
  try {
    const r1 = await mailJob.run(t.ctx);
    assert.equal(r1.status, 'ok', r1.summary);
    assert.equal(r1.counts?.mail, 200);
    const notes = mailNotes(t.vaultDir);
    assert.equal(notes.length, 200);
    for (const n of notes) {
      const { frontmatter } = parseNote(readMail(t.vaultDir, n));
      const v = validateFrontmatter(frontmatter);
      assert.ok(v.ok, `${n}: ${JSON.stringify(!v.ok && v.errors)}`);
      assert.equal(frontmatter.source, 'imap');
      assert.equal(frontmatter.account, 'main');
    }
    const r2 = await mailJob.run(t.ctx);
    assert.equal(r2.counts?.mail, 0, r2.summary);
    assert.equal(mailNotes(t.vaultDir).length, 200);

    const v1 = await d.uidValidity('INBOX');
    await d.recreate('INBOX');
    await d.append('INBOX', msgs);
    assert.notEqual(await d.uidValidity('INBOX'), v1);
    const r3 = await mailJob.run(t.ctx);
    assert.equal(r3.status, 'ok', r3.summary);
    assert.equal(r3.counts?.mail, 0);
    assert.equal(r3.counts?.mail_known, 200);
    assert.equal(mailNotes(t.vaultDir).length, 200);
  } finally {
    t.cleanup();
    await d.recreate('INBOX');
  }
});

test('the same message in two mailboxes is one note; a deleted note is never recreated', async () => {
  const m = message(1000, { subject: 'Filed twice' });
  await d.append('INBOX', [m]);
  await d.append('Archive', [m]);
  const t = mailContext(d, { mailboxes: 'INBOX,Archive' });
  try {
    await mailJob.run(t.ctx);
    const notes = mailNotes(t.vaultDir);
    assert.equal(notes.length, 1);
    rmSync(join(t.vaultDir, 'Mail', notes[0]!));
    await d.append('INBOX', [message(1001)]);
    const r = await mailJob.run(t.ctx);
    assert.equal(r.counts?.mail, 1);
    const after = mailNotes(t.vaultDir);
    assert.equal(after.length, 1);
    assert.ok(!after.includes(notes[0]!), 'the deleted note came back');
  } finally {
    t.cleanup();
    await d.recreate('INBOX');
  }
});

test('attachments: streamed into the message folder, names kept inside it, large ones listed only', async () => {
  const big = message(2000, { subject: 'Big one', bodyKb: 4, attachment: { name: '../../x', bytes: 1_500_000 } });
  const small = message(2001, { subject: 'Small one', attachment: { name: 'Счёт 15.pdf', bytes: 30_000 } });
  const huge = message(2002, { subject: 'Too big', attachment: { name: 'scan.pdf', bytes: 2_500_000 } });
  await d.append('INBOX', [big, small, huge]);
  const t = mailContext(d, { settings: { mail_attachment_max_mb: 2 } });
  try {
    const r = await mailJob.run(t.ctx);
    assert.equal(r.counts?.mail, 3, r.summary);
    const files = allFiles(t.vaultDir).filter((f) => f.startsWith('Attachments/'));
    assert.equal(files.length, 2, files.join(', '));
    const x = files.find((f) => f.endsWith('/x'));
    assert.ok(x && x.startsWith('Attachments/2026/11/'), files.join(', '));
    assert.equal(readFileSync(join(t.vaultDir, x)).length, 1_500_000);
    assert.ok(files.some((f) => f.endsWith('/Счёт 15.pdf')));
    assert.ok(!existsSync(join(t.vaultDir, '..', 'x')));
    const tooBig = mailNotes(t.vaultDir).map((n) => readMail(t.vaultDir, n)).find((s) => s.includes('Too big'))!;
    assert.match(tooBig, /scan\.pdf \(2\.4 MB, too large, not downloaded\)/);
  } finally {
    t.cleanup();
    await d.recreate('INBOX');
  }
});

test('counterparties: linked by address or domain; an unknown business domain proposes once after two messages', async () => {
  await d.append('INBOX', [
    message(3000, { from: 'Igor Petrov <sales@bumaga-opt.example>', subject: 'Счёт 118' }),
    message(3001, { from: 'Nordlicht Office <someone@nordlicht.example>', subject: 'Question' }),
    message(3002, { from: 'Oleg | Polygraf Service <oleg@polygraf-service.example>', subject: 'Offer 1' }),
    message(3003, { from: 'Oleg | Polygraf Service <oleg@polygraf-service.example>', subject: 'Offer 2' }),
    message(3004, { from: 'Oleg | Polygraf Service <oleg@polygraf-service.example>', subject: 'Offer 3' }),
  ]);
  await d.append('INBOX', [
    `From: news@printnews.example\r\nTo: anna@kestrel-print.example\r\nSubject: Weekly 1\r\nMessage-ID: <n1@printnews.example>\r\nList-Unsubscribe: <https://printnews.example/u>\r\n\r\nNews\r\n`,
    `From: news@printnews.example\r\nTo: anna@kestrel-print.example\r\nSubject: Weekly 2\r\nMessage-ID: <n2@printnews.example>\r\nList-Unsubscribe: <https://printnews.example/u>\r\n\r\nNews 2\r\n`,
  ]);
  const t = mailContext(d);
  try {
    await mailJob.run(t.ctx);
    const bySubject = new Map(mailNotes(t.vaultDir).map((n) => {
      const fm = parseNote(readMail(t.vaultDir, n)).frontmatter;
      return [fm.subject as string, fm];
    }));
    assert.equal(bySubject.get('Счёт 118')?.counterparty, '[[Bumaga Opt]]');
    assert.equal(bySubject.get('Question')?.counterparty, '[[Nordlicht GmbH]]');
    assert.equal(bySubject.get('Weekly 1')?.list, true);
    const proposals = allFiles(t.vaultDir).filter((f) => f.startsWith('Proposals/'));
    assert.equal(proposals.length, 1, proposals.join(', '));
    const p = parseNote(readFileSync(join(t.vaultDir, proposals[0]!), 'utf8')).frontmatter;
    assert.equal(p.finding_key, 'domain:polygraf-service.example');
    assert.equal(p.proposed_name, 'Polygraf Service');
    assert.deepEqual(p.domains, ['polygraf-service.example']);
  } finally {
    t.cleanup();
    await d.recreate('INBOX');
  }
});

test('a refused login is a failed run with the reason, and the health says so', async () => {
  const t = mailContext(d, { env: { AIOS_MAIL_MAIN_PASSWORD: 'wrong' } });
  try {
    const r = await mailJob.run(t.ctx);
    assert.equal(r.status, 'failed');
    assert.match(r.summary, /login refused/);
    const health = t.runtime.healthAll()['mail:main'];
    assert.equal(health?.ok, false);
  } finally {
    t.cleanup();
  }
});

test('no account and no file: skipped', async () => {
  const t = mailContext(d);
  try {
    rmSync(join(t.vaultDir, 'AIOS/Rules/Mail accounts.md'));
    t.index.noteRemoved('AIOS/Rules/Mail accounts.md');
    const r = await mailJob.run(t.ctx);
    assert.deepEqual(r, { status: 'skipped', summary: 'no mail account configured' });
  } finally {
    t.cleanup();
  }
});
