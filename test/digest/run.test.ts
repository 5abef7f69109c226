// `aios run` on the real clock with the digest due in a minute: it writes the digest at that minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/aios.mjs', import.meta.url));

test('aios run writes the digest on time when it is due a minute from now', { timeout: 240_000 }, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-digest-run-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'vault'), state = join(base, 'state');
  spawnSync(process.execPath, [BIN, 'init', vault]);
  // Due at the next whole minute that is at least 40 s away (UTC as the business time zone).
  const now = new Date();
  const due = new Date(Math.ceil((now.getTime() + 40_000) / 60_000) * 60_000);
  const hhmm = due.toISOString().slice(11, 16);
  const env = {
    ...process.env, AIOS_SECRETS_FILE: join(base, 'secrets.json'), OLLAMA_HOST: 'http://127.0.0.1:9', OPENAI_API_KEY: '', AIOS_CLOUD_ENABLED: 'false',
    AIOS_TIMEZONE: 'UTC', AIOS_SCHEDULE_DIGEST: `${due.getUTCMinutes()} ${due.getUTCHours()} * * *`,
  };
  // Made once by hand first, so starting the service has no missed digest to catch up.
  const first = spawnSync(process.execPath, [BIN, 'once', 'digest', '--vault', vault, '--state-dir', state], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(first.status, 0, first.stdout + first.stderr);
  const note = join(vault, 'Digests', `${due.toISOString().slice(0, 10)} Digest.md`);
  assert.ok(existsSync(note));
  const madeFirst = /^generated: "?([^"\n]+)"?$/m.exec(readFileSync(note, 'utf8'))![1]!;
  const proc = spawn(process.execPath, [BIN, 'run', '--vault', vault, '--state-dir', state], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((r) => proc.on('exit', r));
  try {
    let generated = madeFirst;
    for (const end = due.getTime() + 90_000; Date.now() < end && generated === madeFirst; await new Promise((r) => setTimeout(r, 500))) {
      generated = /^generated: "?([^"\n]+)"?$/m.exec(readFileSync(note, 'utf8'))?.[1] ?? madeFirst;
    }
    assert.notEqual(generated, madeFirst, `no digest at ${hhmm}:\n${out}`);
    assert.equal(generated.slice(11, 16), hhmm, `made at ${generated}, due ${hhmm}`);
    const runs = readFileSync(join(state, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { job: string; trigger?: string; started: string; status: string });
    const scheduled = runs.filter((r) => r.job === 'digest' && r.trigger === 'schedule');
    assert.equal(scheduled.length, 1, JSON.stringify(runs.filter((r) => r.job === 'digest')));
    assert.equal(scheduled[0]!.status, 'ok');
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
});
