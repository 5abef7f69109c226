// Triage benchmark: 5,000 mail notes triaged end to end (read, facts, rules, the learner with its seed,
// assessment, the note's properties written durably) with the learner and rules only (no model server),
// against the target of 1,000 mails a second on one core; the decisions alone without the writes; and
// the same with a fake Ollama on loopback answering after a delay, where the server's time dominates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initVault } from '../companion/core/init.ts';
import { Runtime } from '../companion/core/runtime.ts';
import { MODELS } from '../companion/modules.ts';
import { triageAll } from '../companion/triage/index.ts';
import { loadLabelledMail } from '../test/models/labelled.ts';
import { startFakeOllama } from '../test/support/fake-ollama.ts';
import { renderNote, companionStamp } from '../companion/core/frontmatter.ts';
import { mailMessage } from '../contract/index.ts';

const COUNT = Number(process.env.BENCH_MAILS ?? 5000);

async function vaultWithMail(n: number): Promise<{ root: string; state: string }> {
  const root = mkdtempSync(join(tmpdir(), 'aios-triage-bench-'));
  const state = mkdtempSync(join(tmpdir(), 'aios-triage-bench-state-'));
  initVault(root);
  // A rule, so the rules are tried on every mail.
  writeFileSync(join(root, 'AIOS/Rules/Triage.md'), '---\naios_kind: rules\nrules_type: triage\n---\n| Rule | Field | Match | Text | Category | Priority | Status | Next step |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n| Robots | domain | exact | robots.example | notification | low | | |\n| Fuzzy | text | fuzzy | reconciliaton | invoice | | | |\n');
  const mails = await loadLabelledMail();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'Mail/2026/11'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const m = mails[i % mails.length]!;
    const from = /<([^>]+)>/.exec(m.from)?.[1] ?? m.from;
    const fm: Record<string, unknown> = {
      aios_kind: 'mail_message', subject: m.subject, from, to: ['anna@kestrel-print.example'], cc: [],
      date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00`,
      thread_key: `<bench-${i}@x>`, source: 'file', body_hash: `h${i}`, attachments: [], list: m.list === true, status: 'new',
    };
    const body = `# ${m.subject}\n\n**From:** ${m.from}\n\n---\n\n${m.body}\n`;
    writeFileSync(join(root, `Mail/2026/11/bench ${i}.md`), renderNote({ ...fm, ...companionStamp(mailMessage, fm, body) }, body));
  }
  return { root, state };
}

async function run(label: string, env: Record<string, string>, limit?: number): Promise<void> {
  const { root, state } = await vaultWithMail(limit ?? COUNT);
  try {
    const rt = new Runtime({ vaultRoot: root, stateDir: state, logToFile: false, models: MODELS, env: { AIOS_SECRETS_FILE: join(state, 'none.json'), ...env } });
    const ctx = rt.context({ name: 'triage' }, new AbortController().signal);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await triageAll(ctx);
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const cpu = (c.user + c.system) / 1e6;
    const sys = c.system / 1e6;
    const n = r.counts.triaged;
    console.log(`${label}: ${n} mails in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} mails/s wall, ${(n / cpu).toFixed(0)} mails per CPU second (${sys.toFixed(1)} of ${cpu.toFixed(1)} CPU s in the kernel: file writes and fsync); rules ${r.counts.by_rule}, thread ${r.counts.by_thread}, learner ${r.counts.by_learner}, local model ${r.counts.by_local_model}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}

await run(`learner and rules only, ${COUNT} mails, notes written durably (target >= 1000 mails/s)`, { AIOS_OLLAMA_HOST: 'http://127.0.0.1:9', AIOS_CLOUD_ENABLED: 'false', AIOS_LEARNER_MIN_EXAMPLES: '1' });

const ollama = await startFakeOllama();
const DELAY = 50;
ollama.onChat((b) => ({ content: JSON.stringify(b.messages[0]!.content.includes('Classify') ? { label: 'other', confidence: 0.9 } : {}), delayMs: DELAY }));
await run(`fake Ollama answering in ${DELAY} ms (learner out of the way), 200 mails`, { AIOS_OLLAMA_HOST: ollama.url, AIOS_CLOUD_ENABLED: 'false', AIOS_LEARNER_MIN_EXAMPLES: '1000000' }, 200);
console.log(`  the server's share: ${ollama.requests.length} calls x ${DELAY} ms = ${((ollama.requests.length * DELAY) / 1000).toFixed(1)} s of it`);
await ollama.close();
