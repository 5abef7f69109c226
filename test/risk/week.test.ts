// A planted business week (test/fixtures/risk-week, made by scripts/make-risk-week.ts), replayed day by
// day through every job with the clock at 06:00: exactly the eight planted findings are raised, each once,
// on the day its evidence arrived, with evidence links that open notes; ordinary mail, chats, statements,
// contracts and invoices raise nothing; no day brings more than three new questions; and replaying the
// whole week again raises nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlineEnv } from '../runtime/helpers.ts';
import { rankQueue, type Frontmatter } from '../../contract/index.ts';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initVault } from '../../companion/core/init.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import { runJobs } from '../../companion/core/once.ts';
import { JOBS, MODELS } from '../../companion/modules.ts';
import type { IndexEntry } from '../../companion/core/vault-index.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/risk-week/', import.meta.url));

interface Week {
  seed: number;
  timezone: string;
  base_currency: string;
  day0: string;
  days: string[];
  env: Record<string, string>;
  planted: { kind: string; day: number; match: string; source: string }[];
}

/** 06:00 in Moscow (UTC+3 all year) on a day. */
const morning = (day: string) => new Date(`${day}T03:00:00Z`);

const LINK_RE = /\[\[([^\]|#]+)/;

function replayDay(vault: string, seedDir: string, d: number): void {
  const dir = join(seedDir, `day-${d}`);
  if (existsSync(join(dir, 'notes'))) cpSync(join(dir, 'notes'), vault, { recursive: true });
  if (existsSync(join(dir, 'import'))) {
    const past = new Date(Date.now() - 60_000);
    for (const f of readdirSync(join(dir, 'import'))) {
      cpSync(join(dir, 'import', f), join(vault, 'Import', f));
      utimesSync(join(vault, 'Import', f), past, past);
    }
  }
}

for (const seed of [1, 2, 3]) {
  test(`the planted week, seed ${seed}: exactly the planted risks, each once, on their day`, async (t) => {
    const seedDir = join(FIXTURES, `seed-${seed}`);
    const week = JSON.parse(readFileSync(join(seedDir, 'week.json'), 'utf8')) as Week;
    const base = mkdtempSync(join(tmpdir(), `aios-risk-week-${seed}-`));
    t.after(() => rmSync(base, { recursive: true, force: true }));
    const vault = join(base, 'vault');
    const stateDir = join(base, 'state');
    initVault(vault);
    // The example business goes; the week's business comes in its place.
    for (const f of ['Counterparties', 'Contracts', 'Invoices', 'Decisions', 'Business']) rmSync(join(vault, f), { recursive: true, force: true });
    cpSync(join(seedDir, 'base'), vault, { recursive: true });
    mkdirSync(join(vault, 'Import'), { recursive: true });
    // The week's business writes in its own language (none set).
    const env = { ...offlineEnv({ vault, state: stateDir }), ...week.env, AIOS_LANGUAGE: '', AIOS_TIMEZONE: week.timezone, AIOS_BASE_CURRENCY: week.base_currency };
    const days = [week.day0, ...week.days];
    const seen = new Map<string, { day: number; entry: IndexEntry }>();
    const perDay: number[] = [];
    const replay = async (pass: number) => {
      for (let d = 0; d < days.length; d++) {
        replayDay(vault, seedDir, d);
        const rt = new Runtime({ vaultRoot: vault, stateDir, now: morning(days[d]!), models: MODELS, env, logToFile: false });
        const records = await runJobs(rt, JOBS, { sweepImports: true });
        assert.ok(records.every((r) => r.status !== 'failed'), `day ${d}: ${JSON.stringify(records.filter((r) => r.status === 'failed'))}`);
        const fresh = new Runtime({ vaultRoot: vault, stateDir, now: morning(days[d]!), models: MODELS, env, logToFile: false });
        let added = 0;
        for (const e of fresh.index.byKind('decision_item')) {
          if (seen.has(e.path)) continue;
          seen.set(e.path, { day: d, entry: e });
          added++;
          assert.equal(pass, 1, `replaying the week raised ${e.path}: ${String(e.frontmatter.title)}`);
          for (const l of e.frontmatter.evidence as string[]) {
            const target = LINK_RE.exec(l)?.[1];
            assert.ok(target && (existsSync(join(vault, `${target}.md`)) || fresh.index.resolveLink(l)), `${e.path}: evidence ${l} opens no note`);
          }
        }
        if (pass === 1) perDay.push(added);
      }
    };
    await replay(1);
    const items = [...seen.values()];
    const describe = items.map((i) => `day ${i.day} ${String(i.entry.frontmatter.kind)}: ${String(i.entry.frontmatter.title)}`).join('\n');
    const risk = items.filter((i) => i.entry.frontmatter.module === 'risk');
    for (const p of week.planted) {
      const hits = risk.filter((i) => i.entry.frontmatter.kind === p.kind && `${String(i.entry.frontmatter.title)} ${String(i.entry.frontmatter.counterparty ?? '')} ${String(i.entry.frontmatter.why)}`.includes(p.match));
      assert.equal(hits.length, 1, `planted ${p.kind} (${p.match}) raised once:\n${describe}`);
      assert.equal(hits[0]!.day, p.day, `planted ${p.kind} (${p.match}) raised on day ${p.day}:\n${describe}`);
    }
    // Nothing but the planted findings, from any module.
    assert.equal(risk.length, week.planted.length, describe);
    assert.equal(items.length, week.planted.length, describe);
    assert.ok(perDay.every((n) => n <= 3), `new items per day ${perDay.join(', ')}`);
    await replay(2);

    // Every item answered with its first option, but one deferred: the answers job acts on each once and
    // writes its record; the next scans raise nothing again, the deferred one included.
    const lastDay = days[days.length - 1]!;
    const [deferred, ...answered] = risk.map((i) => i.entry);
    for (const e of answered) {
      const p = join(vault, e.path);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/^status: open$/m, `status: decided\nanswer: ${(e.frontmatter.option_ids as string[])[0]!}`));
    }
    const dp = join(vault, deferred!.path);
    writeFileSync(dp, readFileSync(dp, 'utf8').replace(/^status: open$/m, 'status: deferred\ndeferred_until: 2099-01-01'));
    const rt = new Runtime({ vaultRoot: vault, stateDir, now: morning(lastDay), models: MODELS, env, logToFile: false });
    const acted = await runJobs(rt, JOBS.filter((j) => j.name === 'answers' || j.name === 'risk'), { sweepImports: false });
    assert.equal(acted[0]!.counts?.acted, answered.length, acted[0]!.summary);
    assert.equal(acted[1]!.counts?.raised, 0, acted[1]!.summary);
    const after = new Runtime({ vaultRoot: vault, stateDir, now: morning(lastDay), models: MODELS, env, logToFile: false });
    for (const e of answered) {
      const fm = after.index.get(e.path)!.frontmatter;
      assert.ok(fm.resolution && after.index.resolveLink(String(fm.record)), `${e.path} (${String(fm.kind)}): acted on, with its record`);
    }
    assert.equal(after.index.get(deferred!.path)!.frontmatter.status, 'deferred');
    // Out of the queue until its deferral ends, back in it from that day.
    const queued = (today: string) => rankQueue(after.index.byKind('decision_item'), (e) => e.frontmatter as unknown as Frontmatter<'decision_item'>, today).map((e) => e.path);
    assert.ok(!queued(lastDay).includes(deferred!.path));
    assert.ok(queued('2099-01-01').includes(deferred!.path));
    assert.equal(after.index.byKind('decision_item').length, items.length);
  });
}
