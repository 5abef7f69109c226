// `aios demo` (what `npm start` runs): a fresh demo vault from the template, the demo data dropped
// into its import folder, every job run once offline on a pinned morning, and a summary of what
// was produced and where.
import { copyFileSync, existsSync, readdirSync, rmSync, utimesSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../../contract/index.ts';
import { initVault } from '../core/init.ts';
import { Runtime, type RunRecord } from '../core/runtime.ts';
import { runJobs } from '../core/once.ts';
import { JOBS, MODELS } from '../modules.ts';

export const DEMO_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo');
/** 06:00 in Moscow on the demo day: the digest hour. */
export const DEMO_NOW = new Date('2026-11-26T03:00:00Z');

export interface DemoSummary {
  vault: string;
  records: RunRecord[];
  notes: Record<string, number>;
  lines: string[];
}

export function demoStateDir(vault: string): string {
  return `${vault}-state`;
}

/** Builds the demo vault and runs every job; returns what it produced. */
/** `language`: the demo business writes Russian; `en` makes the same demo in English. */
export async function buildDemo(vault: string, stateDir = demoStateDir(vault), language?: 'en' | 'ru'): Promise<DemoSummary> {
  rmSync(vault, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  initVault(vault);
  const importDir = join(vault, 'Import');
  mkdirSync(importDir, { recursive: true });
  const past = new Date(Date.now() - 60_000);
  for (const sub of ['mail', 'statements', 'chats']) {
    const dir = join(DEMO_DATA, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      // Not data: licences, read-mes, and the answer keys the tests check the demo against.
      if (f.startsWith('.') || /^(LICEN[CS]E|README|expected-)/i.test(f)) continue;
      copyFileSync(join(dir, f), join(importDir, f));
      // Dropped a minute ago: already stable, so the demo does not wait.
      utimesSync(join(importDir, f), past, past);
    }
  }
  const rt = new Runtime({
    vaultRoot: vault,
    stateDir,
    now: DEMO_NOW,
    models: MODELS,
    // Offline: no cloud, and a local model address that refuses at once.
    env: { ...process.env, AIOS_CLOUD_ENABLED: 'false', OLLAMA_HOST: 'http://127.0.0.1:9', AIOS_OLLAMA_HOST: 'http://127.0.0.1:9', AIOS_SECRETS_FILE: join(stateDir, 'secrets.json'), AIOS_TIMEZONE: 'Europe/Moscow', ...(language ? { AIOS_LANGUAGE: language } : {}) },
  });
  const records = await runJobs(rt, JOBS, { sweepImports: true });
  const notes: Record<string, number> = {};
  for (const k of KINDS) notes[k.kind] = rt.index.byKind(k.kind).length;
  const lines: string[] = [];
  const openItems = rt.index.byKind('decision_item').filter((e) => e.frontmatter.status === 'open');
  lines.push(`Demo vault: ${vault}`, `State (outside the vault): ${stateDir}`, '');
  lines.push('Jobs:', ...records.map((r) => `  ${r.job.padEnd(12)} ${r.status.padEnd(8)} ${r.summary}`), '');
  lines.push('Notes by kind:', ...Object.entries(notes).filter(([, n]) => n > 0).map(([k, n]) => `  ${k.padEnd(22)} ${n}`), '');
  lines.push(`Decision queue (${openItems.length} open) in ${rt.vault.folder('decision_item')}/:`, ...openItems.map((e) => `  - ${String(e.frontmatter.title)}`));
  const proposals = rt.index.byKind('proposal');
  lines.push(`Proposals (${proposals.length}) in ${rt.vault.folder('proposal')}/:`, ...proposals.map((e) => `  - ${String(e.frontmatter.proposed_name)} (${String(e.frontmatter.source)})`));
  const quarantined = rt.index.byKind('import_report');
  lines.push(`Quarantined files (${quarantined.length}) in ${rt.vault.folder('import_report')}/:`, ...quarantined.map((e) => `  - ${String(e.frontmatter.original_name)}: ${String(e.frontmatter.reason)}`));
  const cash = rt.index.byKind('cash_position')[0];
  if (cash) lines.push(`Cash position: ${cash.path} (total ${String(cash.frontmatter.total_base ?? 'n/a')} ${String(cash.frontmatter.base_currency)})`);
  const cost = rt.index.byKind('cost_report')[0];
  if (cost) lines.push(`Cost report: ${cost.path} (${String(cost.frontmatter.calls)} calls, ${Math.round(Number(cost.frontmatter.local_share) * 100)}% local, $${String(cost.frontmatter.spend_usd)})`);
  const errors = rt.index.errors();
  lines.push('', errors.length === 0 ? 'Every note validates against the vault contract.' : `Notes that do not validate: ${errors.map((e) => e.path).join(', ')}`);
  return { vault, records, notes, lines };
}

export async function runDemo(vault: string, stateDir?: string, language?: 'en' | 'ru'): Promise<number> {
  const started = Date.now();
  const summary = await buildDemo(vault, stateDir, language);
  process.stdout.write(summary.lines.join('\n') + `\n\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${vault} in Obsidian to look around.\n`);
  return summary.records.some((r) => r.status === 'failed') ? 1 : 0;
}
