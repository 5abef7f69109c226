// The `aios` command as a user meets it: a real process on a real vault folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/aios.mjs', import.meta.url));

function aios(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 120_000 });
}

function tempDirs(t: { after(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'aios-cli-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return { vault: join(base, 'vault'), state: join(base, 'state'), secrets: join(base, 'secrets.json'), base };
}

test('aios init on an existing vault adds what is missing and touches nothing that exists', (t) => {
  const d = tempDirs(t);
  assert.equal(aios(['init', d.vault]).status, 0);
  const edited = join(d.vault, 'Counterparties/Bumaga Opt.md');
  writeFileSync(edited, readFileSync(edited, 'utf8') + '\nMy own line.\n');
  const before = statSync(edited);
  unlinkSync(join(d.vault, 'Processes/Morning digest.md'));
  const r = aios(['init', d.vault]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /created 1 files/);
  assert.match(readFileSync(edited, 'utf8'), /My own line\./);
  assert.equal(statSync(edited).mtimeMs, before.mtimeMs);
  assert.equal(statSync(edited).ino, before.ino);
  assert.ok(existsSync(join(d.vault, 'Processes/Morning digest.md')));
});

test('aios status lists unreadable notes by file and field, and where each setting came from', (t) => {
  const d = tempDirs(t);
  aios(['init', d.vault]);
  writeFileSync(join(d.vault, 'Contracts/Broken.md'), '---\naios_kind: contract\ntitle: Broken\ncounterparty: Acme\n---\n');
  writeFileSync(d.secrets, JSON.stringify({ base_currency: 'USD' }));
  chmodSync(d.secrets, 0o644);
  const env = { AIOS_SECRETS_FILE: d.secrets, AIOS_WEEKLY_BUDGET_USD: '0.5' };
  const refused = aios(['status', '--vault', d.vault, '--state-dir', d.state], env);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /secrets\.json: mode 644 lets others read it/);
  chmodSync(d.secrets, 0o600);
  const r = aios(['status', '--vault', d.vault, '--state-dir', d.state, '--json'], env);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(s.note_errors, [{ path: 'Contracts/Broken.md', errors: [{ field: 'counterparty', message: 'expected a quoted wikilink "[[Note]]"' }] }]);
  assert.deepEqual(s.settings.weekly_budget_usd, { value: 0.5, source: 'environment' });
  assert.deepEqual(s.settings.base_currency, { value: 'USD', source: 'secrets file' });
  assert.deepEqual(s.settings.timezone, { value: 'Europe/Moscow', source: 'settings note' });
  assert.deepEqual(s.settings.log_level, { value: 'info', source: 'default' });
  const text = aios(['status', '--vault', d.vault, '--state-dir', d.state], env);
  assert.match(text.stdout, /Contracts\/Broken\.md: counterparty: expected a quoted wikilink/);
});

test('aios once: unknown job is a usage error, all runs every job and exits 0', (t) => {
  const d = tempDirs(t);
  aios(['init', d.vault]);
  const bad = aios(['once', 'nope', '--vault', d.vault, '--state-dir', d.state]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown job "nope"/);
  const r = aios(['once', 'all', '--vault', d.vault, '--state-dir', d.state], { AIOS_SECRETS_FILE: d.secrets });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^import\s+skipped/m);
  assert.ok(existsSync(join(d.vault, 'AIOS/Companion lease.md')));
});

test('a fresh lease from another host stops this machine from ingesting', (t) => {
  const d = tempDirs(t);
  aios(['init', d.vault]);
  const now = new Date();
  const local = new Date(now.getTime() + 3 * 3600_000).toISOString().slice(0, 19); // Europe/Moscow is UTC+3
  writeFileSync(join(d.vault, 'AIOS/Companion lease.md'), `---\naios_kind: lease\nhost: other-laptop\npid: 42\nstarted: ${local}\nheartbeat: ${local}\nttl_seconds: 300\n---\n`);
  const r = aios(['once', 'all', '--vault', d.vault, '--state-dir', d.state], { AIOS_SECRETS_FILE: d.secrets });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /run by the companion on other-laptop/);
});

test('aios secret set stores the value outside the vault with mode 600', (t) => {
  const d = tempDirs(t);
  aios(['init', d.vault]);
  const r = aios(['secret', 'set', 'mail_main_password'], { AIOS_SECRETS_FILE: d.secrets }, 's3cret\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(d.secrets).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(d.secrets, 'utf8')), { mail_main_password: 's3cret' });
  const inside = aios(['secret', 'set', 'x', '--vault', d.vault], { AIOS_SECRETS_FILE: join(d.vault, 'secrets.json') }, 'v');
  assert.equal(inside.status, 2);
  assert.match(inside.stderr, /must not be inside the vault/);
});

test('aios once beside a running aios run hands the job to the service; SIGTERM stops it cleanly', async (t) => {
  const d = tempDirs(t);
  aios(['init', d.vault]);
  const env = { ...process.env, AIOS_SECRETS_FILE: d.secrets };
  const service = spawn(process.execPath, [BIN, 'run', '--vault', d.vault, '--state-dir', d.state], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  service.stdout.on('data', (c) => (out += c));
  service.stderr.on('data', (c) => (out += c));
  t.after(() => service.kill('SIGKILL'));
  for (const end = Date.now() + 30_000; !out.includes('running on') && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  assert.match(out, /running on/);
  const once = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const p = spawn(process.execPath, [BIN, 'once', 'all', '--vault', d.vault, '--state-dir', d.state], { env });
    let stdout = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.on('exit', (code) => resolve({ code, stdout }));
  });
  assert.equal(once.code, 0);
  assert.match(once.stdout, /handing "all" to the running service/);
  service.kill('SIGTERM');
  const code = await new Promise((resolve) => service.on('exit', resolve));
  assert.equal(code, 0);
  assert.match(out, /aios: stopped/);
  assert.equal(existsSync(join(d.state, 'companion.lock')), false);
});
