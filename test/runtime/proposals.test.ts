// Proposals become notes once per real-world thing. A pass that sees a firm by another identifier
// merges into its open proposal; accepting creates the counterparty (or contract) note from the
// proposal once, or links the note that already has one of its identifiers; rejecting refuses every
// identifier for good. Mail, chat days and ledger rows of a new counterparty are linked by their
// jobs' next run, without a re-import. A firm seen by domain in mail whose signature states its tax id,
// and by that tax id in the bank, is one proposal, whichever was seen first.
import { test, type TestContext as NodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { JOBS } from '../../companion/modules.ts';
import { proposalNoteId } from '../../companion/core/proposals.ts';
import type { Job, ProposalInput } from '../../companion/core/job.ts';
import { parseLedgerRows } from '../../contract/ledger.ts';
import { FIXTURES } from './helpers.ts';

const NOW = new Date('2026-11-26T06:00:00Z');
const DEMO = join(import.meta.dirname, '../../demo');
const RUB = '2026-11 Sberbank RUB 1C.txt';
const RUB_LEDGER = 'Finance/Ledgers/40702810400000012345/2026-11.md';
const TAX = '7701234567';

const job = (name: string): Job => JOBS.find((j) => j.name === name)!;

function setup(t: NodeTest): TestContext {
  const tc = makeTestContext({ now: NOW, settings: { import_stable_seconds: 0 } });
  t.after(() => tc.cleanup());
  return tc;
}

async function run(tc: TestContext, name: string): Promise<{ status: string; summary: string }> {
  const r = await tc.runtime.runJob(job(name));
  assert.notEqual(r.status, 'failed', `${name}: ${r.summary}`);
  return r;
}

function drop(tc: TestContext, from: string, name: string, text?: string): void {
  const to = join(tc.vaultDir, 'Import', name);
  if (text === undefined) copyFileSync(join(from, name), to);
  else writeFileSync(to, text);
  const past = new Date(Date.now() - 60_000);
  utimesSync(to, past, past);
}

const proposals = (tc: TestContext) => tc.index.byKind('proposal');
const counterparties = (tc: TestContext) => tc.index.byKind('counterparty');
const fm = (tc: TestContext, rel: string) => tc.vault.readNote(rel).frontmatter;
const conflicts = (tc: TestContext) => tc.vault.list('', { recursive: true }).filter((p) => /\((conflict|your edit)/.test(p));

/** The owner's hand edit of some keys of a note (as processFrontMatter leaves it), seen by the watcher. */
function edit(tc: TestContext, rel: string, keys: Record<string, string>): void {
  const abs = join(tc.vaultDir, rel);
  let text = readFileSync(abs, 'utf8');
  for (const [k, v] of Object.entries(keys)) {
    const re = new RegExp(`^${k}:.*$`, 'm');
    text = re.test(text) ? text.replace(re, `${k}: ${JSON.stringify(v)}`) : text.replace(/^aios_kind: .*$/m, (l) => `${l}\n${k}: ${JSON.stringify(v)}`);
  }
  writeFileSync(abs, text);
  tc.index.noteChanged(rel);
}

const bankSide: ProposalInput = {
  proposal_type: 'counterparty', finding_key: `inn:${TAX}`, proposed_name: 'ООО «Центр Недвижимость»', source: 'statements', relationship: 'supplier',
  tax_id: TAX, accounts: ['40702810900000011111'], identifiers: ['name:центр недвижимость'], evidence: ['[[2026-11-25 Statement]]'],
};
const mailSide: ProposalInput = {
  proposal_type: 'counterparty', finding_key: 'domain:cn-realty.example', proposed_name: 'Cn Realty', source: 'mail',
  emails: ['m.orlova@cn-realty.example'], domains: ['cn-realty.example'], tax_id: TAX, identifiers: [`tax:${TAX}`, 'name:cn realty'], evidence: ['[[2026-11-09 Mail]]'],
};

test('a pass that sees the thing by another identifier merges into the open proposal: one proposal, every identifier', async (t) => {
  const tc = setup(t);
  const ctx = tc.contextFor({ name: 'statements' });
  const a = await ctx.addProposal(bankSide);
  assert.equal(a.created, true);
  const b = await ctx.addProposal(mailSide);
  assert.deepEqual(b, { path: a.path, created: false });
  // Seen again by its account only, under yet another key: still the same one.
  const c = await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'account:40702810900000011111', proposed_name: 'Account 40702810900000011111', source: 'statements', accounts: ['40702810900000011111'], evidence: ['[[2026-12-01 Statement]]'] });
  assert.deepEqual(c, { path: a.path, created: false });
  assert.equal(proposals(tc).length, 1);
  const p = fm(tc, a.path);
  assert.deepEqual([...(p.identifiers as string[])].sort(), [
    'account:40702810900000011111', 'domain:cn-realty.example', 'email:m.orlova@cn-realty.example', `tax:${TAX}`, 'name:cn realty', 'name:центр недвижимость',
  ].sort());
  assert.deepEqual(p.emails, ['m.orlova@cn-realty.example']);
  assert.deepEqual(p.domains, ['cn-realty.example']);
  assert.equal(p.tax_id, TAX);
  assert.equal(p.proposed_name, 'ООО «Центр Недвижимость»', 'the first name stands');
  assert.deepEqual(p.evidence, ['[[2026-11-25 Statement]]', '[[2026-11-09 Mail]]', '[[2026-12-01 Statement]]']);
  // A contract is another thing, even when it shares an identifier.
  const k = await ctx.addProposal({ proposal_type: 'contract', finding_key: 'contract:14-А', proposed_name: 'Lease 14-А', source: 'mail', identifiers: [`tax:${TAX}`, 'contract:14-А'] });
  assert.equal(k.created, true);
  // Deleted by the owner, it is not filed again under its key.
  tc.vault.removeFile(a.path);
  assert.equal((await ctx.addProposal(bankSide)).created, false);
});

test('accepting creates the counterparty note from the proposal (with the owner\'s corrections) once, beside an unrelated note of that name', async (t) => {
  const tc = setup(t);
  const { path } = await tc.contextFor({ name: 'statements' }).addProposal(bankSide);
  await tc.contextFor({ name: 'mail' }).addProposal(mailSide);
  // The owner's own plain note already has the name: never replaced.
  writeFileSync(join(tc.vaultDir, 'Counterparties/Центр Недвижимость.md'), '# My notes about the landlord\n');
  // Accepted with a shorter name, another relationship, and a tax id corrected by hand.
  edit(tc, path, { status: 'accepted', proposed_name: 'Центр Недвижимость', relationship: 'partner', tax_id: '7701234568' });
  const r = await run(tc, 'answers');
  assert.match(r.summary, /1 answer\(s\) acted on/);
  const made = counterparties(tc).filter((e) => e.frontmatter.aios_id === proposalNoteId(fm(tc, path) as { proposal_type: 'counterparty'; finding_key: string }));
  assert.equal(made.length, 1);
  const cp = made[0]!;
  assert.match(cp.path, /^Counterparties\/Центр Недвижимость [0-9a-f]{4}\.md$/);
  assert.equal(readFileSync(join(tc.vaultDir, 'Counterparties/Центр Недвижимость.md'), 'utf8'), '# My notes about the landlord\n');
  const c = cp.frontmatter;
  assert.equal(c.name, 'Центр Недвижимость');
  assert.equal(c.relationship, 'partner');
  assert.equal(c.tax_id, '7701234568');
  assert.deepEqual(c.emails, ['m.orlova@cn-realty.example']);
  assert.deepEqual(c.domains, ['cn-realty.example']);
  assert.deepEqual(c.accounts, ['40702810900000011111']);
  const p = fm(tc, path);
  assert.ok(p.resolved_at);
  assert.equal(p.note, `[[${cp.name}]]`);
  assert.equal(p.resolution, `Created [[${cp.name}]].`);
  assert.deepEqual(conflicts(tc), []);
  // Once: further runs create nothing.
  assert.equal((await tc.runtime.runJob(job('answers'))).status, 'skipped');
  const again = makeTestContext({ vaultDir: tc.vaultDir, stateDir: tc.stateDir, now: NOW, template: false });
  t.after(() => again.cleanup());
  await again.runtime.runJob(job('answers'));
  assert.equal(counterparties(again).length, 4);
  // Known now: the same firm is not proposed again.
  assert.equal((await again.contextFor({ name: 'statements' }).addProposal({ ...bankSide, finding_key: 'account:40702810900000011111' })).created, false);
});

test('a counterparty that already has one of its identifiers is linked, never duplicated; merge_into names the note to link', async (t) => {
  const tc = setup(t);
  const ctx = tc.contextFor({ name: 'statements' });
  const landlord = (await ctx.addProposal(bankSide)).path;
  const other = (await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'domain:greenleaf-catering.example', proposed_name: 'Greenleaf Catering', source: 'mail', domains: ['greenleaf-catering.example'], emails: ['orders@greenleaf-catering.example'] })).path;
  // Meanwhile the owner made the landlord's note by hand, with its tax id.
  writeFileSync(join(tc.vaultDir, 'Counterparties/Landlord.md'), `---\naios_kind: counterparty\nname: Landlord\nrelationship: supplier\ntax_id: "${TAX}"\n---\n# Landlord\n`);
  tc.index.noteChanged('Counterparties/Landlord.md');
  edit(tc, landlord, { status: 'accepted' });
  edit(tc, other, { status: 'accepted', merge_into: '[[Greenleaf Cafe]]' });
  await run(tc, 'answers');
  assert.equal(counterparties(tc).length, 4, 'the three of the template and the owner\'s Landlord: nothing created');
  const l = fm(tc, landlord);
  assert.equal(l.note, '[[Landlord]]');
  assert.match(String(l.resolution), /^Linked to \[\[Landlord\]\] \(\[\[Landlord\]\] already has tax:7701234567\); nothing was duplicated\. Not on that note yet \(add them if they are right\): account:40702810900000011111\.$/);
  const o = fm(tc, other);
  assert.equal(o.note, '[[Greenleaf Cafe]]');
  assert.match(String(o.resolution), /you chose to merge into \[\[Greenleaf Cafe\]\]/);
  // The owner's notes are theirs: not written.
  assert.equal(readFileSync(join(tc.vaultDir, 'Counterparties/Landlord.md'), 'utf8'), `---\naios_kind: counterparty\nname: Landlord\nrelationship: supplier\ntax_id: "${TAX}"\n---\n# Landlord\n`);

  // A note of the same name made by hand (no identifiers on it yet) is the same firm: linked, not doubled.
  const polygraf = (await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'domain:polygraf-service.example', proposed_name: 'Полиграф Сервис', source: 'mail', domains: ['polygraf-service.example'] })).path;
  writeFileSync(join(tc.vaultDir, 'Counterparties/Полиграф Сервис.md'), '---\naios_kind: counterparty\nname: Полиграф Сервис\nrelationship: supplier\n---\n');
  tc.index.noteChanged('Counterparties/Полиграф Сервис.md');
  // And merge_into naming no counterparty makes nothing until the owner fixes it.
  const lavanda = (await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'inn:7728123456', proposed_name: 'ООО «Лаванда»', source: 'statements', tax_id: '7728123456' })).path;
  edit(tc, polygraf, { status: 'accepted' });
  edit(tc, lavanda, { status: 'accepted', merge_into: '[[Lavender Ltd]]' });
  await run(tc, 'answers');
  assert.equal(fm(tc, polygraf).note, '[[Полиграф Сервис]]');
  assert.match(String(fm(tc, polygraf).resolution), /has the name Полиграф Сервис\); nothing was duplicated\. Not on that note yet \(add them if they are right\): domain:polygraf-service\.example\.$/);
  assert.equal(fm(tc, lavanda).resolved_at, undefined);
  assert.match(String(fm(tc, lavanda).resolution), /^Not done yet: merge_into \[\[Lavender Ltd\]\] is not a counterparty note/);
  assert.equal(counterparties(tc).length, 5);
  edit(tc, lavanda, { merge_into: '[[Greenleaf Cafe]]' });
  await run(tc, 'answers');
  assert.equal(fm(tc, lavanda).note, '[[Greenleaf Cafe]]');
  assert.equal(counterparties(tc).length, 5);
  assert.deepEqual(conflicts(tc), []);
});

test('rejecting refuses every identifier for good: no pass proposes it again under another key, even once the proposal is deleted', async (t) => {
  const tc = setup(t);
  const ctx = tc.contextFor({ name: 'statements' });
  const lavanda: ProposalInput = {
    proposal_type: 'counterparty', finding_key: 'inn:7728123456', proposed_name: 'ООО «Лаванда»', source: 'statements', relationship: 'client',
    tax_id: '7728123456', accounts: ['40702810500000077777'], identifiers: ['name:лаванда'],
  };
  const { path } = await ctx.addProposal(lavanda);
  edit(tc, path, { status: 'rejected', comment: 'A one-off customer.' });
  await run(tc, 'answers');
  assert.match(String(fm(tc, path).resolution), /^Rejected: inn:7728123456, tax:7728123456, account:40702810500000077777 will not be proposed again\.$/);
  tc.vault.removeFile(path);
  // By its account, under another key; by its tax id from the mail side.
  assert.equal((await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'account:40702810500000077777', proposed_name: 'Лаванда', source: 'statements', accounts: ['40702810500000077777'] })).created, false);
  assert.equal((await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'domain:lavanda.example', proposed_name: 'Lavanda', source: 'mail', domains: ['lavanda.example'], identifiers: ['tax:7728123456'] })).created, false);
  // A name alone is too weak to refuse a firm forever: another Lavanda with its own identifiers is asked about.
  assert.equal((await ctx.addProposal({ proposal_type: 'counterparty', finding_key: 'domain:lavanda-flowers.example', proposed_name: 'Лаванда', source: 'mail', domains: ['lavanda-flowers.example'], identifiers: ['name:лаванда'] })).created, true);
  assert.equal(counterparties(tc).length, 3);
});

test('an accepted contract proposal becomes a contract note once its counterparty is named', async (t) => {
  const tc = setup(t);
  const { path } = await tc.contextFor({ name: 'mail' }).addProposal({
    proposal_type: 'contract', finding_key: 'contract:14-А', proposed_name: 'Lease of the shop', source: 'mail', identifiers: ['contract:14-А'],
    contract_number: '14-А', contract_start: '2026-01-01', contract_end: '2026-12-31', notice_days: 60, auto_renew: true,
  });
  edit(tc, path, { status: 'accepted' });
  const held = await run(tc, 'answers');
  assert.deepEqual([held.status, held.summary], ['skipped', 'no new answers; 1 accepted proposal(s) wait for a fix']);
  assert.equal(fm(tc, path).resolved_at, undefined);
  assert.match(String(fm(tc, path).resolution), /^Not created yet: the proposal names no counterparty/);
  assert.equal(tc.index.byKind('contract').length, 2);
  // The owner names the counterparty on the proposal, as the resolution says.
  edit(tc, path, { counterparty: '[[Bumaga Opt]]' });
  await run(tc, 'answers');
  await tc.runtime.runJob(job('answers'));
  const made = tc.index.byKind('contract').filter((e) => e.frontmatter.number === '14-А');
  assert.equal(made.length, 1);
  assert.equal(made[0]!.path, 'Contracts/Bumaga Opt - Lease of the shop.md');
  const c = made[0]!.frontmatter;
  assert.deepEqual([c.title, c.counterparty, c.start, c.end, c.notice_days, c.auto_renew], ['Lease of the shop', '[[Bumaga Opt]]', '2026-01-01', '2026-12-31', 60, true]);
  assert.equal(fm(tc, path).note, '[[Bumaga Opt - Lease of the shop]]');
  assert.deepEqual(conflicts(tc), []);
});

/** The two mails of cn-realty.example, optionally without the tax id in their signature. */
function dropRealtyMail(tc: TestContext, withTaxId: boolean): void {
  for (const f of ['cn-realty-1.eml', 'cn-realty-2.eml']) {
    const text = readFileSync(join(FIXTURES, f), 'utf8');
    drop(tc, FIXTURES, f, withTaxId ? text : text.replace(/^ИНН .*\r\n/m, ''));
  }
}

for (const order of ['mail first', 'bank first'] as const) {
  test(`a firm seen by domain in mail (tax id in the signature) and by that tax id in the bank is one proposal: ${order}`, async (t) => {
    const tc = setup(t);
    dropRealtyMail(tc, true);
    drop(tc, join(DEMO, 'statements'), RUB);
    for (const name of order === 'mail first' ? ['mail', 'statements'] : ['statements', 'mail']) await run(tc, name);
    const firm = proposals(tc).filter((e) => (e.frontmatter.identifiers as string[]).includes(`tax:${TAX}`));
    assert.equal(firm.length, 1, firm.map((e) => e.path).join(', '));
    assert.equal(proposals(tc).length, 3, 'the landlord, the payroll bank and Lavanda');
    const p = firm[0]!.frontmatter;
    for (const id of ['domain:cn-realty.example', 'email:m.orlova@cn-realty.example', `tax:${TAX}`, 'account:40702810900000011111']) assert.ok((p.identifiers as string[]).includes(id), id);
    assert.equal(p.finding_key, order === 'mail first' ? 'domain:cn-realty.example' : `inn:${TAX}`);
    assert.equal(p.tax_id, TAX);
    assert.deepEqual(p.domains, ['cn-realty.example']);
    assert.deepEqual(p.accounts, ['40702810900000011111']);

    // Accepted: one counterparty with all of it, and both sides link to it on their jobs' next run.
    edit(tc, firm[0]!.path, { status: 'accepted', proposed_name: 'Центр Недвижимость' });
    for (const name of ['answers', 'mail', 'statements']) await run(tc, name);
    const cp = counterparties(tc).filter((e) => e.frontmatter.tax_id === TAX);
    assert.equal(cp.length, 1);
    assert.deepEqual(cp[0]!.frontmatter.domains, ['cn-realty.example']);
    const mail = tc.index.byKind('mail_message').filter((e) => String(e.frontmatter.from).endsWith('@cn-realty.example'));
    assert.equal(mail.length, 2);
    for (const m of mail) assert.equal(m.frontmatter.counterparty, `[[${cp[0]!.name}]]`);
    const rows = parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER).filter((r) => r.cpTaxId === TAX);
    assert.deepEqual(rows.map((r) => r.counterparty), [`[[${cp[0]!.name}]]`]);
  });
}

test('without the tax id in the signature the mail and the bank proposals stay apart (what the merge above rests on)', async (t) => {
  const tc = setup(t);
  dropRealtyMail(tc, false);
  drop(tc, join(DEMO, 'statements'), RUB);
  await run(tc, 'mail');
  await run(tc, 'statements');
  assert.equal(proposals(tc).length, 4);
});

test('a ledger month the owner is editing is left alone when a counterparty arrives, and linked once their edit is settled', async (t) => {
  const tc = setup(t);
  drop(tc, join(DEMO, 'statements'), RUB);
  await run(tc, 'statements');
  const abs = join(tc.vaultDir, RUB_LEDGER);
  const original = readFileSync(abs, 'utf8');
  writeFileSync(abs, original.replace('Written by the statements module', 'Being checked by Anna. Written by the statements module'));
  tc.index.noteChanged(RUB_LEDGER);
  const lavanda = proposals(tc).find((e) => e.frontmatter.tax_id === '7728123456')!;
  edit(tc, lavanda.path, { status: 'accepted' });
  await run(tc, 'answers');
  await run(tc, 'statements');
  const unlinked = parseLedgerRows(readFileSync(abs, 'utf8'), RUB_LEDGER).filter((r) => r.cpTaxId === '7728123456');
  assert.deepEqual(unlinked.map((r) => r.counterparty), ['ООО «Лаванда»'], 'the owner\'s edit stands');
  assert.deepEqual(conflicts(tc), []);
  // The owner is done: their edit reverted, the next run links the month (no counterparty changed since).
  writeFileSync(abs, original);
  tc.index.noteChanged(RUB_LEDGER);
  const r = await run(tc, 'statements');
  assert.match(r.summary, /1 ledger row\(s\) linked/);
  const linked = parseLedgerRows(readFileSync(abs, 'utf8'), RUB_LEDGER).filter((x) => x.cpTaxId === '7728123456');
  assert.deepEqual(linked.map((x) => x.counterparty), ['[[ООО «Лаванда»]]']);
  assert.equal((await tc.runtime.runJob(job('statements'))).status, 'skipped');
});

test('mail, chat days and ledger rows of accepted counterparties are linked by their jobs\' next run, without a re-import; a run after that changes nothing', async (t) => {
  const tc = setup(t);
  for (const f of ['11-polygraf-offer.eml', '12-polygraf-followup.eml', '13-polygraf-price.eml']) drop(tc, join(DEMO, 'mail'), f);
  drop(tc, join(DEMO, 'statements'), RUB);
  drop(tc, FIXTURES, 'telegram-polygraf.json');
  for (const name of ['mail', 'chats', 'statements']) await run(tc, name);
  const chat = tc.index.byKind('chat_log')[0]!;
  assert.equal(chat.frontmatter.counterparty, undefined);
  assert.equal(proposals(tc).length, 4);
  for (const p of proposals(tc)) edit(tc, p.path, { status: 'accepted' });
  await run(tc, 'answers');
  assert.equal(counterparties(tc).length, 7);
  const linked = new Map<string, number>();
  for (const name of ['mail', 'chats', 'statements']) {
    const r = await run(tc, name);
    linked.set(name, Number(/(\d+) (message|chat day|ledger row)/.exec(r.summary)?.[1] ?? 0));
  }
  assert.deepEqual(Object.fromEntries(linked), { mail: 3, chats: 1, statements: 5 });
  const polygraf = counterparties(tc).find((e) => e.frontmatter.name === 'Полиграф Сервис')!;
  for (const m of tc.index.byKind('mail_message')) assert.equal(m.frontmatter.counterparty, `[[${polygraf.name}]]`);
  assert.equal(tc.index.get(chat.path)?.frontmatter.counterparty, `[[${polygraf.name}]]`);
  const rows = parseLedgerRows(tc.vault.readNote(RUB_LEDGER).body, RUB_LEDGER);
  for (const [tax, name] of [[TAX, 'ООО «Центр Недвижимость»'], ['7707083893', 'ПАО Сбербанк (зарплатный проект)'], ['7728123456', 'ООО «Лаванда»']]) {
    const note = counterparties(tc).find((e) => e.frontmatter.tax_id === tax)!;
    assert.equal(note.frontmatter.name, name);
    for (const r of rows.filter((x) => x.cpTaxId === tax)) assert.equal(r.counterparty, `[[${note.name}]]`, r.text);
  }
  // Every row names a counterparty note now, except the business's own transfer.
  assert.deepEqual(rows.filter((r) => !r.own && !r.counterparty.startsWith('[[')).map((r) => r.text), []);
  const snapshot = () => tc.vault.list('', { recursive: true }).filter((p) => !p.startsWith('AIOS/')).map((p) => [p, readFileSync(join(tc.vaultDir, p), 'utf8')]);
  const before = snapshot();
  for (const name of ['answers', 'mail', 'chats', 'statements']) assert.equal((await tc.runtime.runJob(job(name))).status, 'skipped', name);
  assert.deepEqual(snapshot(), before);
});
