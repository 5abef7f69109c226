import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { makeTestContext } from '../../test/support/context.ts';
import { NoteError } from './vault.ts';
import type { Frontmatter } from '../../contract/index.ts';

const item = (over: Partial<Frontmatter<'decision_item'>> = {}): Frontmatter<'decision_item'> => ({
  finding_key: 'k1', kind: 'test', title: 'Pay the invoice', severity: 'medium', created: '2026-11-26T06:00:00',
  why: 'An invoice is due.', evidence: [], options: ['pay', 'wait'], option_ids: ['pay', 'wait'], targets: [], status: 'open', ...over,
});

test('new notes are create-only; a companion note is regenerated only while nobody edited it', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const first = tc.vault.writeCompanionNote('decision_item', item(), 'v1\n');
  assert.equal(first.outcome, 'created');
  assert.equal(tc.vault.writeCompanionNote('decision_item', item(), 'v1\n').outcome, 'unchanged');
  assert.equal(tc.vault.writeCompanionNote('decision_item', item({ why: 'Now overdue.' }), 'v2\n').outcome, 'updated');
  assert.equal(tc.vault.createNote(first.path, { a: 1 }, 'x'), 'exists');
  assert.match(readFileSync(tc.vault.abs(first.path), 'utf8'), /Now overdue/);
});

test('the owner\'s answer is kept when the companion regenerates the note', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const { path } = tc.vault.writeCompanionNote('decision_item', item(), 'v1\n');
  const abs = tc.vault.abs(path);
  writeFileSync(abs, readFileSync(abs, 'utf8').replace('status: open', 'status: decided\nanswer: pay'));
  assert.equal(tc.vault.writeCompanionNote('decision_item', item({ why: 'Reminder.' }), 'v2\n').outcome, 'updated');
  const text = readFileSync(abs, 'utf8');
  assert.match(text, /status: decided/);
  assert.match(text, /answer: pay/);
  assert.match(text, /Reminder/);
});

test('an owner edit outside the owner keys is never overwritten: the new version goes to a conflict copy', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const { path } = tc.vault.writeCompanionNote('decision_item', item(), 'v1\n');
  const abs = tc.vault.abs(path);
  const edited = readFileSync(abs, 'utf8').replace('v1', 'my own notes here');
  writeFileSync(abs, edited);
  const r = tc.vault.writeCompanionNote('decision_item', item({ why: 'Changed.' }), 'v2\n');
  assert.equal(r.outcome, 'conflict');
  assert.notEqual(r.path, path);
  assert.match(r.path, /\(conflict /);
  assert.equal(readFileSync(abs, 'utf8'), edited);
  assert.match(readFileSync(tc.vault.abs(r.path), 'utf8'), /v2/);
});

test('the companion refuses to write owner notes', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  assert.throws(() => tc.vault.writeCompanionNote('counterparty' as 'decision_item', item(), ''), /owner/);
});

test('paths that leave the vault are refused', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  for (const bad of ['../x.md', 'a/../../x.md', '/etc/passwd', 'a\0b']) assert.throws(() => tc.vault.abs(bad), /outside the vault/);
});

test('bad frontmatter: the error names the file and the field, and the note is not rewritten', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const rel = 'Contracts/Broken.md';
  const text = '---\naios_kind: contract\ntitle: Broken\ncounterparty: "[[Bumaga Opt]]"\nend: 31.12.2026\n---\nbody\n';
  writeFileSync(tc.vault.abs(rel), text);
  const before = statSync(tc.vault.abs(rel)).mtimeMs;
  assert.throws(() => tc.vault.readValidNote(rel), (e: unknown) => e instanceof NoteError && e.path === rel && e.field === 'end' && /Contracts\/Broken\.md: end: expected a date/.test(e.message));
  tc.index.noteChanged(rel);
  const err = tc.index.errors().find((e) => e.path === rel);
  assert.deepEqual(err?.errors.map((e) => e.field), ['end']);
  const unparsable = 'Contracts/Unparsable.md';
  writeFileSync(tc.vault.abs(unparsable), '---\naios_kind: contract\ntitle: [unclosed\n---\n');
  tc.index.noteChanged(unparsable);
  assert.equal(tc.index.errors().find((e) => e.path === unparsable)?.errors[0]?.field, '(frontmatter)');
  assert.equal(readFileSync(tc.vault.abs(rel), 'utf8'), text);
  assert.equal(statSync(tc.vault.abs(rel)).mtimeMs, before);
});

test('the companion answers in an owner\'s request note: only its answer keys, the rest as the owner wrote it', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const path = 'AIOS/Requests/2026-12-02 10-00-00 digest.md';
  tc.vault.createNote(path, { aios_kind: 'request', action: 'digest', requested_at: '2026-12-02T10:00:00', status: 'open', my_note: 'from the phone' }, '# Make the digest now\n\nMine.\n');
  assert.equal(tc.vault.answerOwnerNote(path, { status: 'done', answered_at: '2026-12-02T10:00:30', result: 'digest: written' }), 'updated');
  const text = readFileSync(tc.vault.abs(path), 'utf8');
  assert.match(text, /status: done/);
  assert.match(text, /my_note: from the phone/);
  assert.match(text, /\n# Make the digest now\n\nMine\.\n$/);
  assert.equal(tc.vault.answerOwnerNote(path, { status: 'done' }), 'unchanged');
  assert.throws(() => tc.vault.answerOwnerNote(path, { action: 'reconcile' }), /action is the owner's/);
  assert.throws(() => tc.vault.answerOwnerNote(path, { status: 'finished' }), /would write invalid request/);
  // Owner notes of other kinds are never written.
  tc.vault.createNote('Counterparties/Acme.md', { aios_kind: 'counterparty', name: 'Acme' }, '');
  assert.throws(() => tc.vault.answerOwnerNote('Counterparties/Acme.md', { status: 'done' }), /status is the owner's/);
});
