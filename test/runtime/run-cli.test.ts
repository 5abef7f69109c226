// `aios run` as the owner starts it: a schedule written as cron users write it is accepted and fires by
// the same grammar, `aios once` beside it is handed over and answered, a setting edited in the note while
// it runs changes the next run, a broken schedule is reported without stopping anything, and SIGTERM
// stops it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/aios.mjs', import.meta.url));

function setUp(t: { after(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'aios-run-'));
  const d = { vault: join(base, 'vault'), state: join(base, 'state'), env: { AIOS_SECRETS_FILE: join(base, 'secrets.json'), OLLAMA_HOST: 'http://127.0.0.1:9', OPENAI_API_KEY: '' } };
  spawnSync(process.execPath, [BIN, 'init', d.vault]);
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return d;
}

function start(d: ReturnType<typeof setUp>, env: Record<string, string> = {}): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [BIN, 'run', '--vault', d.vault, '--state-dir', d.state], { env: { ...process.env, ...d.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { proc, out: () => out, exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return;
  assert.fail(`timed out waiting for ${what}`);
}

const once = (d: ReturnType<typeof setUp>, job: string) =>
  spawnSync(process.execPath, [BIN, 'once', job, '--vault', d.vault, '--state-dir', d.state], { encoding: 'utf8', env: { ...process.env, ...d.env }, timeout: 120_000 });

const status = (d: ReturnType<typeof setUp>, env: Record<string, string> = {}) =>
  JSON.parse(spawnSync(process.execPath, [BIN, 'status', '--json', '--vault', d.vault, '--state-dir', d.state], { encoding: 'utf8', env: { ...process.env, ...d.env, ...env } }).stdout) as {
    jobs: { name: string; next?: string; schedule_problem?: string }[]; settings_problems: string[];
  };

test('aios run with AIOS_SCHEDULE_COSTS="0 7 * * MON": accepted, next run Monday 07:00; aios once beside it is answered; a setting edited meanwhile changes the next run', { timeout: 180_000 }, async (t) => {
  const d = setUp(t);
  const env = { AIOS_SCHEDULE_COSTS: '0 7 * * MON' };
  const next = status(d, env).jobs.find((j) => j.name === 'costs')!.next!;
  assert.match(next, /T07:00:00$/);
  assert.equal(new Date(`${next.slice(0, 10)}T12:00:00Z`).getUTCDay(), 1, `${next} is a Monday`);
  const run = start(d, env);
  try {
    await until('the service', () => /running on/.test(run.out()));
    const first = once(d, 'costs');
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /handing "costs" to the running service/);
    assert.match(first.stdout, /costs\s+ok/);
    const reportOf = () => {
      const dir = join(d.vault, 'AIOS/Costs');
      const f = spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.split('\n').find((x) => x.endsWith('Cost report.md'))!;
      return readFileSync(join(dir, f), 'utf8');
    };
    assert.match(reportOf(), /^budget_usd: 0\.25$/m);
    // The owner raises the budget in the settings note while the service runs.
    const settings = join(d.vault, 'AIOS/Settings.md');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^weekly_budget_usd: .*$/m, 'weekly_budget_usd: 0.5'));
    await new Promise((r) => setTimeout(r, 1500));
    const second = once(d, 'costs');
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.match(reportOf(), /^budget_usd: 0\.5$/m, 'the next run saw the new value without a restart');
    run.proc.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.out());
    assert.equal(existsSync(join(d.state, 'companion.lock')), false);
  } finally {
    run.proc.kill('SIGKILL');
  }
});

test('a schedule the grammar refuses is reported by every command and keeps its last good value; the service runs', { timeout: 120_000 }, async (t) => {
  const d = setUp(t);
  const env = { AIOS_SCHEDULE_COSTS: '0 7 * * MONDAY' };
  const s = status(d, env);
  assert.ok(s.settings_problems.some((p) => /AIOS_SCHEDULE_COSTS: schedule_costs: "0 7 \* \* MONDAY" .*not a day of week/.test(p)), JSON.stringify(s.settings_problems));
  assert.match(s.jobs.find((j) => j.name === 'costs')!.next!, /T05:50:00$/, 'the default (every morning at 05:50) stands in');
  const run = start(d, env);
  try {
    await until('the service', () => /running on/.test(run.out()));
    assert.match(run.out(), /setting not used: .*schedule_costs/);
    const r = once(d, 'costs');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    run.proc.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  } finally {
    run.proc.kill('SIGKILL');
  }
});
