// The demo mail as `npm start` drops it: every file a note, linked, one proposal, nothing live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { mailJob } from '../../companion/mail/index.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { allFiles, mailNotes, readMail } from './helpers.ts';
import { assertInert } from './inert.ts';

const DEMO = join(import.meta.dirname, '../../demo/mail');

test('demo mail: a note per file, counterparties linked, one proposal for the unknown supplier', async () => {
  const t = makeTestContext({ settings: { import_stable_seconds: 0, mail_own_addresses: 'anna@kestrel-print.example' } });
  try {
    const files = readdirSync(DEMO).filter((f) => f.endsWith('.eml'));
    assert.ok(files.length >= 20);
    for (const f of files) copyFileSync(join(DEMO, f), join(t.vaultDir, 'Import', f));
    const r = await mailJob.run(t.ctx);
    assert.equal(r.status, 'ok', r.summary);
    assert.equal(r.counts?.mail, files.length, r.summary);
    const notes = mailNotes(t.vaultDir).map((n) => ({ n, ...parseNote(readMail(t.vaultDir, n)) }));
    const cp = (s: string) => notes.find((x) => String(x.frontmatter.subject).includes(s))?.frontmatter.counterparty;
    assert.equal(cp('Счёт № 118'), '[[Bumaga Opt]]');
    assert.equal(cp('Complaint'), '[[Greenleaf Cafe]]');
    assert.equal(cp('Question about the brochure'), '[[Nordlicht GmbH]]');
    assert.equal(cp('Re: Winter menus'), '[[Greenleaf Cafe]]', 'the owner\'s reply links the recipient');
    assert.equal(cp('Menu photos'), undefined, 'a gmail address is not Greenleaf by domain');
    for (const x of notes) assertInert(x.body.slice(x.body.indexOf('\n---\n')), x.n);
    const hostile = notes.find((x) => String(x.frontmatter.subject).startsWith('URGENT'))!;
    assert.ok(!hostile.body.includes('ignore previous instructions'));
    const proposals = allFiles(t.vaultDir).filter((f) => f.startsWith('Proposals/'));
    assert.equal(proposals.length, 1, proposals.join(', '));
    const p = parseNote(readFileSync(join(t.vaultDir, proposals[0]!), 'utf8')).frontmatter;
    assert.equal(p.finding_key, 'domain:polygraf-service.example');
    assert.equal(p.proposed_name, 'Полиграф Сервис');
    const pdf = allFiles(t.vaultDir).filter((f) => f.startsWith('Attachments/') && f.endsWith('.pdf'));
    // Invoice 118 and Bumaga Opt's act of reconciliation.
    assert.equal(pdf.length, 2, pdf.join(', '));
    for (const f of pdf) assert.ok(readFileSync(join(t.vaultDir, f)).subarray(0, 5).toString() === '%PDF-', f);
    assert.equal(readdirSync(join(t.vaultDir, 'Import')).filter((f) => f.endsWith('.eml')).length, 0, 'files left in the import folder');
  } finally {
    t.cleanup();
  }
});
