// Risk hunting on the demo (its clock pinned to 2026-11-26 06:00 in Moscow): exactly the planted
// findings are raised, each once, with evidence links that open notes; a second scan raises nothing;
// answers do what their options say and write the record; an answered item does not come back; a
// contract let end is not raised again when its dates change; an answered claim is linked from the next
// mail of its thread; an item whose facts went away is closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlineEnv } from '../runtime/helpers.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, DEMO_NOW } from '../../companion/cli/demo.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import { runJobs } from '../../companion/core/once.ts';
import { JOBS, MODELS } from '../../companion/modules.ts';
import { daysBetween } from '../../contract/index.ts';
import type { IndexEntry } from '../../companion/core/vault-index.ts';

const LINK_RE = /\[\[([^\]|#]+)/;

/** Every evidence link of an item opens a note of the vault (by path, or by base name as Obsidian does). */
function assertLinksOpen(vault: string, rt: Runtime, e: IndexEntry): void {
  const evidence = e.frontmatter.evidence as string[];
  assert.ok(evidence.length > 0, `${e.path}: no evidence`);
  for (const l of evidence) {
    const target = LINK_RE.exec(l)?.[1];
    assert.ok(target, `${e.path}: evidence "${l}" is not a link`);
    const opens = existsSync(join(vault, `${target}.md`)) || rt.index.resolveLink(l) !== undefined;
    assert.ok(opens, `${e.path}: evidence ${l} opens no note`);
  }
}

test('the demo: exactly the planted risks, once, with working evidence; answers act and are remembered', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-risk-demo-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  const stateDir = join(base, 'state');
  const s = await buildDemo(vault, stateDir, 'en');
  assert.ok(s.records.every((r) => r.status !== 'failed'), JSON.stringify(s.records));
  const env = { ...offlineEnv({ vault, state: stateDir }), AIOS_TIMEZONE: 'Europe/Moscow' };
  const runtime = (now = DEMO_NOW) => new Runtime({ vaultRoot: vault, stateDir, now, models: MODELS, env, logToFile: false });
  const jobs = (...names: string[]) => JOBS.filter((j) => names.includes(j.name));
  let rt = runtime();

  const risk = () => rt.index.byKind('decision_item').filter((e) => e.frontmatter.module === 'risk');
  const items = risk();
  const summary = items.map((e) => `${String(e.frontmatter.kind)}: ${String(e.frontmatter.title)}`).sort();
  const of = (kind: string) => items.filter((e) => e.frontmatter.kind === kind);

  // contract_notice: Bumaga Opt's supply agreement, last day to give notice 2026-12-01.
  assert.equal(of('contract_notice').length, 1, summary.join('\n'));
  assert.equal(of('contract_notice')[0]!.frontmatter.deadline, '2026-12-01');
  assert.equal(of('contract_notice')[0]!.frontmatter.counterparty, '[[Bumaga Opt]]');
  // invoice_overdue: exactly the records past due by more than the grace (3 days) and still open.
  const grace = 3;
  const overdue = rt.index.byKind('invoice_record')
    .filter((e) => (e.frontmatter.status === 'open' || e.frontmatter.status === 'partly_paid') && typeof e.frontmatter.due === 'string' && daysBetween(String(e.frontmatter.due), '2026-11-26') > grace)
    .map((e) => String(e.frontmatter.number)).sort();
  assert.deepEqual(overdue, ['1119', '112', '115']);
  assert.deepEqual(of('invoice_overdue').map((e) => String(e.frontmatter.title).match(/invoice (\d+)|Invoice (\d+)/)!.slice(1).find(Boolean)).sort(), overdue);
  // claim: Greenleaf Cafe's complaint (told by mail and in the chat the same day: one claim).
  assert.equal(of('claim').length, 1, summary.join('\n'));
  assert.equal(of('claim')[0]!.frontmatter.counterparty, '[[Greenleaf Cafe]]');
  assert.match(String((of('claim')[0]!.frontmatter.evidence as string[])[0]), /Complaint smudged ink/);
  // bank_details_changed: the mail announcing new bank details.
  assert.equal(of('bank_details_changed').length, 1);
  assert.match(String((of('bank_details_changed')[0]!.frontmatter.evidence as string[])[0]), /updated bank details/);
  // mail_deadline: the tax office's demand (reply within 5 working days of 2026-11-18).
  assert.equal(of('mail_deadline').length, 1, summary.join('\n'));
  assert.match(String(of('mail_deadline')[0]!.frontmatter.title), /ИФНС/);
  assert.equal(of('mail_deadline')[0]!.frontmatter.deadline, '2026-11-25');
  // And nothing else.
  assert.equal(items.length, 7, summary.join('\n'));
  for (const e of items) assertLinksOpen(vault, rt, e);

  // A second scan raises nothing.
  let r = await runJobs(rt, jobs('risk'), { sweepImports: false });
  assert.equal(r[0]!.counts?.raised, 0, r[0]!.summary);

  // The owner answers every kind; the answers job acts once and writes a record for each.
  const answer = (e: IndexEntry, option: string) => {
    const p = join(vault, e.path);
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^status: open$/m, `status: decided\nanswer: ${option}`));
  };
  const claim = of('claim')[0]!;
  const bank = of('bank_details_changed')[0]!;
  const tax = of('mail_deadline')[0]!;
  const contract = of('contract_notice')[0]!;
  const inv112 = of('invoice_overdue').find((e) => /112/.test(String(e.frontmatter.title)))!;
  const inv115 = of('invoice_overdue').find((e) => /115/.test(String(e.frontmatter.title)))!;
  answer(contract, 'let_end');
  answer(inv112, 'pay');
  answer(claim, 'accept');
  answer(bank, 'fraud');
  answer(tax, 'handled');
  rt = runtime();
  r = await runJobs(rt, jobs('answers', 'risk'), { sweepImports: false });
  assert.equal(r[0]!.counts?.acted, 5, r[0]!.summary);
  assert.equal(r[1]!.counts?.raised, 0, r[1]!.summary);
  rt = runtime();
  for (const e of [contract, inv112, claim, bank, tax]) {
    const fm = rt.index.get(e.path)!.frontmatter;
    assert.ok(fm.resolved_at && fm.resolution && fm.record, `${e.path}: acted on and recorded`);
    const record = rt.index.resolveLink(String(fm.record));
    assert.ok(record, `${e.path}: its record ${String(fm.record)} exists`);
    assert.equal(record.frontmatter.decision_kind, e.frontmatter.kind);
  }
  assert.match(String(rt.index.get(contract.path)!.frontmatter.resolution), /notice before 2026-12-01/);
  // Fraud and handled close their mails.
  const mailOf = (e: IndexEntry) => String((e.frontmatter.targets as string[]).find((x) => x.startsWith('note:'))).slice(5);
  assert.equal(rt.index.get(mailOf(bank))!.frontmatter.status, 'done');
  assert.equal(rt.index.get(mailOf(tax))!.frontmatter.status, 'done');

  // The contract let end is not raised again, even when its dates change (a new end, a new notice period).
  const cPath = join(vault, 'Contracts/Bumaga Opt - Paper supply agreement.md');
  writeFileSync(cPath, readFileSync(cPath, 'utf8').replace('notice_days: 30', 'notice_days: 20'));
  // The claim's thread goes on: Greenleaf answers the owner's reply; that mail links the decision.
  const reply = [
    'From: Maria Lind <maria@greenleaf.example>', 'To: anna@kestrel-print.example', 'Subject: Re: Complaint: smudged ink on the last batch of menus',
    'Date: Thu, 26 Nov 2026 09:12:00 +0300', 'Message-ID: <risk-followup.1@greenleaf.example>', 'In-Reply-To: <07-greenleaf-complaint.7@greenleaf.example>',
    'References: <07-greenleaf-complaint.7@greenleaf.example>', 'Content-Type: text/plain; charset=utf-8', '', 'Thank you, Anna. The reprint on Friday works for us.', '',
  ].join('\r\n');
  mkdirSync(join(vault, 'Import'), { recursive: true });
  writeFileSync(join(vault, 'Import', 'followup.eml'), reply);
  // Invoice 115 is cancelled by the owner: its open item's facts are gone.
  const rec115 = rt.index.byKind('invoice_record').find((e) => e.frontmatter.number === '115')!;
  const recPath = join(vault, rec115.path);
  writeFileSync(recPath, readFileSync(recPath, 'utf8').replace(/^status: open$/m, 'status: cancelled'));
  const later = new Date(DEMO_NOW.getTime() + 6 * 3600_000);
  rt = runtime(later);
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(vault, 'Import', 'followup.eml'), past, past);
  r = await runJobs(rt, jobs('mail', 'triage', 'reconcile', 'risk'), { sweepImports: false });
  const scan = r.find((x) => x.job === 'risk')!;
  assert.equal(scan.counts?.raised, 0, scan.summary);
  rt = runtime(later);
  const followup = rt.index.byKind('mail_message').find((e) => e.frontmatter.message_id === '<risk-followup.1@greenleaf.example>');
  assert.ok(followup, 'the follow-up mail was imported');
  const record = rt.index.resolveLink(String(followup.frontmatter.decision));
  assert.ok(record && record.frontmatter.decision_kind === 'claim', `the follow-up links the claim decision: ${String(followup.frontmatter.decision)}`);
  const item115 = rt.index.get(inv115.path)!.frontmatter;
  assert.equal(item115.status, 'resolved', 'the cancelled invoice\'s item is closed');
});
