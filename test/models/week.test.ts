// A simulated week through the router with the fake servers: 500 mails, the bank lines, the task mix
// and the price table of test/fixtures/week, every mail task carrying its context pack (the business
// profile, the counterparty, its contracts and decisions, as triage sends them). The weekly cost note
// must agree with the ledger, and the week must stay >= 90% local and <= $0.25, costed from the fake
// servers' own token counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { z } from 'zod';
import { startHarness, quoted } from './harness.ts';
import { groupFolds, loadLabelledMail, type LabelledMail } from './labelled.ts';
import { LearnerStore } from '../../companion/models/learner-store.ts';
import { modelsState } from '../../companion/models/index.ts';
import { costsJob } from '../../companion/costs/index.ts';
import { categoriesFromSettings } from '../../companion/models/categories.ts';
import { contextPack } from '../../companion/triage/context.ts';
import { parsePriceTable, findPrice, costNanoUsd } from '../../companion/models/prices.ts';
import { parseTables, tableRecords } from '../../contract/markdown-table.ts';

const WEEK = join(import.meta.dirname, '..', 'fixtures', 'week');
const DEMO_MAIL = join(import.meta.dirname, '..', '..', 'demo', 'mail');

interface Mix {
  mail_messages: number;
  mail: { extract: { categories: string[] }; summarise: { every: number }; draft: { every: number } };
  statements: { classify: { labels: string[] }; explain: { count: number } };
  digest: { summarise: { days: number } };
  local_model_uncertain_every: number;
}
interface Tx { id: string; date: string; amount: string; counterparty: string; purpose: string; label: string }

/** The owner's past labels train the learner; the week's inbox is other mail (never the same texts). */
async function weekMail(all: LabelledMail[], n: number): Promise<{ past: LabelledMail[]; inbox: LabelledMail[] }> {
  if (existsSync(DEMO_MAIL) && readdirSync(DEMO_MAIL).some((f) => f.endsWith('.eml'))) {
    const inbox: LabelledMail[] = [];
    const expected = JSON.parse(readFileSync(join(DEMO_MAIL, 'expected-categories.json'), 'utf8')) as Record<string, string>;
    for (const f of readdirSync(DEMO_MAIL).filter((x) => x.endsWith('.eml')).sort()) {
      const p = await simpleParser(readFileSync(join(DEMO_MAIL, f)));
      inbox.push({ id: f, group: f, category: expected[f] ?? '', lang: '', from: p.from?.value[0]?.address ?? '', subject: p.subject ?? '', body: p.text ?? '', list: p.headers.has('list-id') });
    }
    return { past: all, inbox: scale(inbox, n) };
  }
  const folds = groupFolds(all, 5);
  const pastIdx = new Set([...folds[0]!, ...folds[1]!, ...folds[2]!]);
  return { past: all.filter((_, i) => pastIdx.has(i)), inbox: scale(all.filter((_, i) => !pastIdx.has(i)), n) };
}

function scale(mails: LabelledMail[], n: number): LabelledMail[] {
  return Array.from({ length: n }, (_, i) => ({ ...mails[i % mails.length]!, id: `${mails[i % mails.length]!.id}#${Math.floor(i / mails.length)}` }));
}

const extractSchema = z.object({ number: z.string().nullish(), amount: z.number().nullish(), currency: z.string().nullish() });

test('a simulated week: >= 90% local, <= $0.25, and the cost note matches the ledger', async () => {
  const h = await startHarness({ model_timeout_seconds: 5 });
  try {
    const mix = JSON.parse(readFileSync(join(WEEK, 'task-mix.json'), 'utf8')) as Mix;
    const txs = readFileSync(join(WEEK, 'transactions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Tx);
    copyFileSync(join(WEEK, 'price-table.md'), h.tc.vault.abs('AIOS/Rules/Price table.md'));
    h.tc.index.noteChanged('AIOS/Rules/Price table.md');

    const all = await loadLabelledMail();
    const { past, inbox } = await weekMail(all, mix.mail_messages);
    const store = new LearnerStore(modelsState(h.tc.ctx.state));
    for (const m of past) store.learn({ id: m.id, label: m.category, subject: m.subject, body: m.body, from: m.from, list: m.list }, false);
    store.get().recalibrate(true);
    store.save();

    // The fake servers answer like a decent model would: the right label where the text says it, with
    // the local model unsure about one classification in `local_model_uncertain_every`.
    const truthBySubject = new Map(all.map((m) => [m.subject, m.category]));
    const truthByTx = new Map(txs.map((t) => [t.id, t.label]));
    let localClassifications = 0;
    const answer = (format: { properties?: Record<string, unknown> } | undefined, content: string, local: boolean): string => {
      const props = Object.keys(format?.properties ?? {});
      if (props.includes('label')) {
        const subject = quoted(content, 'subject');
        const body = quoted(content, 'body') ?? '';
        const tx = /^(tx-\d+)/.exec(body)?.[1];
        const label = (tx ? truthByTx.get(tx) : subject !== undefined ? truthBySubject.get(subject) : undefined) ?? 'other';
        const unsure = local && ++localClassifications % mix.local_model_uncertain_every === 0;
        return JSON.stringify({ label, confidence: unsure ? 0.55 : local ? 0.9 : 0.95 });
      }
      if (props.includes('summary')) return JSON.stringify({ summary: 'Two client requests and a supplier invoice need attention; nothing overdue.' });
      if (props.includes('body')) return JSON.stringify({ subject: 'Re: your request', body: 'Thank you for your message. We can do it by Friday; the quote follows today.' });
      return JSON.stringify({ number: '1182', amount: 45600, currency: 'RUB' });
    };
    h.ollama.onChat((b) => ({ content: answer(b.format as { properties?: Record<string, unknown> }, b.messages[1]!.content, true) }));
    h.openai.onChat((b) => ({ content: answer(b.response_format?.json_schema?.schema as { properties?: Record<string, unknown> }, b.messages[1]!.content, false) }));

    const { labels, descriptions } = categoriesFromSettings(h.tc.ctx.settings);
    const mail = h.models('mail');
    let predictedRight = 0;
    let clientRequests = 0;
    let packTokens = 0;
    const packFor = (from: string) => {
      const at = from.lastIndexOf('@');
      const cp = h.tc.index.findCounterparty({ email: from, domain: from.slice(at + 1) });
      const p = contextPack(h.tc.ctx, { path: 'Mail/week.md', kind: 'mail_message', name: 'week', frontmatter: cp ? { counterparty: `[[${cp.name}]]` } : {} }, h.tc.ctx.settings.number('triage_context_tokens'));
      packTokens += p.tokens;
      return { context: p.parts, links: p.links };
    };
    for (const [i, m] of inbox.entries()) {
      const pack = packFor(m.from);
      const c = await mail.classify({ tier: 'easy', labels, descriptions, item: { subject: m.subject, body: m.body, from: m.from, list: m.list }, sender: m.from, ...pack });
      assert.ok(c.ok, `mail ${m.id}: ${c.ok ? '' : c.reason}`);
      if (c.value.label === m.category) predictedRight++;
      const cat = c.value.label;
      if (mix.mail.extract.categories.includes(cat)) {
        const e = await mail.extract({ tier: 'easy', instruction: 'Extract the document number, amount and currency.', schema: extractSchema, data: m.body, sender: m.from, ...pack });
        assert.ok(e.ok);
      }
      if (i % mix.mail.summarise.every === 0) assert.ok((await mail.summarise({ tier: 'easy', data: `${m.subject}\n\n${m.body}`, sender: m.from, ...pack })).ok);
      if (cat === 'client_request' && clientRequests++ % mix.mail.draft.every === 0) {
        const d = await mail.draft({ tier: 'hard', instruction: 'Answer the request politely; promise nothing about prices.', data: m.body, sender: m.from, ...pack });
        assert.ok(d.ok, d.ok ? '' : d.reason);
      }
    }
    const statements = h.models('statements');
    let explained = 0;
    for (const t of txs) {
      const c = await statements.classify({ tier: 'easy', labels: mix.statements.classify.labels, item: { body: `${t.id} ${t.date} ${t.amount} ${t.counterparty}: ${t.purpose}` } });
      assert.ok(c.ok);
      if (c.value.label === 'other' && explained++ < mix.statements.explain.count) {
        assert.ok((await statements.summarise({ tier: 'hard', instruction: 'Explain what this payment probably is and what the owner should check.', data: JSON.stringify(t) })).ok);
      }
    }
    const digest = h.models('digest');
    for (let d = 0; d < mix.digest.summarise.days; d++) {
      assert.ok((await digest.summarise({ tier: 'hard', data: `Day ${d + 1}: ${inbox.slice(d * 70, d * 70 + 5).map((m) => m.subject).join('; ')}` })).ok);
    }

    // The weekly note from the ledger.
    const rec = await h.tc.runtime.runJob(costsJob);
    assert.equal(rec.status, 'ok', rec.summary);
    const note = h.tc.index.byKind('cost_report').find((e) => e.frontmatter.week === '2026-W48')!;
    assert.ok(note, 'cost note for 2026-W48 written');
    const fm = note.frontmatter as { calls: number; local_calls: number; local_share: number; spend_usd: number; budget_usd: number };
    const ledger = h.ledger();
    const local = ledger.filter((e) => e.location === 'local').length;
    const spendNano = ledger.reduce((s, e) => s + BigInt(e.cost_nano_usd), 0n);
    assert.equal(fm.calls, ledger.length);
    assert.equal(fm.local_calls, local);
    assert.equal(fm.local_share, Math.round((local / ledger.length) * 10000) / 10000);
    assert.ok(Math.abs(fm.spend_usd - Number(spendNano) / 1e9) < 1e-6);

    // Costed independently from what the fake cloud server counted and the week's price table.
    const price = findPrice(parsePriceTable(tableRecords(parseTables(readFileSync(join(WEEK, 'price-table.md'), 'utf8'))[0]!)), 'openai', 'gpt-4o-mini');
    const serverNano = costNanoUsd(price, h.openai.usage.prompt_tokens, h.openai.usage.completion_tokens);
    const serverUsd = Number(serverNano) / 1e9;
    assert.ok(Math.abs(serverUsd - Number(spendNano) / 1e9) < 1e-6 * (h.openai.usage.calls + 1), `server count $${serverUsd} vs ledger $${Number(spendNano) / 1e9}`);

    assert.ok(fm.local_share >= 0.9, `local share ${fm.local_share}`);
    assert.ok(serverUsd <= 0.25, `spend $${serverUsd}`);
    assert.ok(fm.spend_usd > 0, 'some hard work did go to the cloud');
    const body = h.tc.vault.readNote(note.path).body;
    assert.match(body, /\| mail \|/);
    assert.match(body, /\| openai gpt-4o-mini \|/);
    // Figures for the report (visible with --test-reporter=spec).
    assert.ok(packTokens > inbox.length * 100, 'the mail tasks carried their context packs');
    console.log(`week: ${ledger.length} calls, ${local} local (${(fm.local_share * 100).toFixed(1)}%), cloud ${h.openai.usage.calls} calls, $${serverUsd.toFixed(4)}; mail classified right ${predictedRight}/${inbox.length}; context packs ${Math.round(packTokens / inbox.length)} tokens a mail`);
  } finally {
    await h.close();
  }
});

test('costs job with an empty ledger still writes a zero report', async () => {
  const h = await startHarness();
  try {
    const rec = await h.tc.runtime.runJob(costsJob);
    assert.equal(rec.status, 'ok');
    const notes = h.tc.index.byKind('cost_report');
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.path, 'AIOS/Costs/2026-W48 Cost report.md');
    assert.deepEqual(
      { calls: notes[0]!.frontmatter.calls, spend: notes[0]!.frontmatter.spend_usd, share: notes[0]!.frontmatter.local_share, period: notes[0]!.frontmatter.period_start },
      { calls: 0, spend: 0, share: 1, period: '2026-11-23' },
    );
    // Running again changes nothing but the generated time.
    const again = await h.tc.runtime.runJob(costsJob);
    assert.equal(again.status, 'ok');
    assert.equal(h.tc.index.byKind('cost_report').length, 1);
  } finally {
    await h.close();
  }
});
