// The companion lock and the `aios once` hand-off against what really happens to them: pids reused after
// a reboot, a service killed mid hand-off, processes racing for the lock, signals during start-up, and
// temp files left by a crash. Real processes throughout; nothing in the code under test is mocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { acquireLock, LockHeld, readLock, type LockInfo } from '../companion/core/lock.ts';

const BIN = fileURLToPath(new URL('../bin/aios.mjs', import.meta.url));
const LOCK_TS = pathToFileURL(fileURLToPath(new URL('../companion/core/lock.ts', import.meta.url))).href;
const ATOMIC_TS = pathToFileURL(fileURLToPath(new URL('../companion/core/atomic.ts', import.meta.url))).href;
const LINUX = existsSync('/proc/self/stat') && existsSync('/proc/sys/kernel/random/boot_id');
const BOOT_ID = LINUX ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setUp(t: { after(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'aios-lock-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const d = { vault: join(base, 'vault'), state: join(base, 'state'), base, env: { ...process.env, AIOS_SECRETS_FILE: join(base, 'secrets.json') } };
  assert.equal(spawnSync(process.execPath, [BIN, 'init', d.vault], { encoding: 'utf8' }).status, 0);
  mkdirSync(d.state, { recursive: true });
  return d;
}

interface Run {
  proc: ChildProcess;
  out(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function aios(args: string[], env: NodeJS.ProcessEnv, t: { after(fn: () => void): void }): Run {
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, out: () => out, exited };
}

async function until(what: string, cond: () => boolean, ms = 20_000, step = 25): Promise<void> {
  for (const end = Date.now() + ms; !cond(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(step);
  }
}

function writeLock(stateDir: string, info: Partial<LockInfo> & { pid: number }, ageMs = 0): void {
  const file = join(stateDir, 'companion.lock');
  writeFileSync(file, JSON.stringify({ host: hostname(), mode: 'service', started: new Date(Date.now() - 3600_000).toISOString(), token: 'stale0000', ...info }));
  if (ageMs) utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
}

/** A pid that no process has now: a child that has exited and been reaped. */
const deadPid = () => spawnSync('true').pid!;

/** A live process that has nothing to do with AIOS, like whatever owns the crashed holder's pid after a reboot. */
function unrelated(t: { after(fn: () => void): void }): number {
  const p = spawn('sleep', ['120'], { stdio: 'ignore' });
  t.after(() => p.kill('SIGKILL'));
  return p.pid!;
}

test('a lock naming a reused pid (a live, unrelated process) does not keep aios once or aios run out', { skip: !LINUX }, async (t) => {
  const d = setUp(t);
  const pid = unrelated(t);
  // The unrelated process started long after the holder we pretend crashed: its start time differs.
  writeLock(d.state, { pid, mode: 'once', boot_id: BOOT_ID, proc_start: '1' });
  let t0 = Date.now();
  const once = aios(['once', 'costs', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  const r1 = await once.exited;
  const onceMs = r1.at - t0;
  assert.equal(r1.code, 0, once.out());
  assert.match(once.out(), /^costs\s+ok/m);
  assert.ok(onceMs < 10_000, `aios once took ${onceMs} ms`);
  assert.equal(existsSync(join(d.state, 'companion.lock')), false);

  writeLock(d.state, { pid, mode: 'service', boot_id: BOOT_ID, proc_start: '1' });
  t0 = Date.now();
  const service = aios(['run', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  await until('the service to start', () => service.out().includes('running on'));
  const runMs = Date.now() - t0;
  assert.equal(readLock(d.state)?.pid, service.proc.pid);
  t0 = Date.now();
  const handed = aios(['once', 'costs', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  const r2 = await handed.exited;
  const handedMs = r2.at - t0;
  assert.equal(r2.code, 0, handed.out());
  assert.match(handed.out(), /handing "costs" to the running service/);
  assert.match(handed.out(), /^costs\s+ok/m);
  service.proc.kill('SIGTERM');
  // Not waiting for the exit itself: after stopping, the process idles out a 10 s grace timer of stop().
  await until('the service to stop', () => service.out().includes('aios: stopped'));
  assert.equal(existsSync(join(d.state, 'companion.lock')), false);
  t.diagnostic(`once over a reused-pid lock ${onceMs} ms; run up in ${runMs} ms; handed-off once ${handedMs} ms`);
});

test('a service killed right after taking a hand-off: aios once notices and runs the job itself', async (t) => {
  const d = setUp(t);
  const service = aios(['run', '--vault', d.vault, '--state-dir', d.state], { ...d.env, AIOS_CRASH_AT: 'service.after-request-taken#1' }, t);
  await until('the service to start', () => service.out().includes('running on'));
  const once = aios(['once', 'costs', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  const died = await service.exited;
  assert.equal(died.signal, 'SIGKILL', service.out());
  const done = await once.exited;
  const afterDeath = done.at - died.at;
  assert.equal(done.code, 0, once.out());
  assert.match(once.out(), /handing "costs" to the running service/);
  assert.match(once.out(), /the service \(pid \d+\) stopped before answering; running "costs" here/);
  assert.match(once.out(), /^costs\s+ok/m);
  assert.ok(afterDeath < 5_000, `aios once finished ${afterDeath} ms after the service died`);
  assert.equal(existsSync(join(d.state, 'companion.lock')), false);
  assert.deepEqual(readdirSync(join(d.state, 'requests')).filter((f) => f.endsWith('.request.json')), []);
  t.diagnostic(`aios once finished ${afterDeath} ms after the service was killed`);
});

// Eight processes, started together and kept for every round; each round they call acquireLock at the
// same instant (a busy wait to a shared deadline), and the winner holds the lock until all have answered.
const WORKER = `
const { acquireLock, LockHeld } = await import(process.env.LOCK_TS);
let release;
process.on('message', (m) => {
  if (m.cmd === 'go') {
    while (Date.now() < m.at);
    try {
      release = acquireLock(m.dir, 'service');
      process.send({ round: m.round, won: true });
    } catch (e) {
      process.send({ round: m.round, won: false, error: e instanceof LockHeld ? undefined : String(e && e.stack) });
    }
  } else if (m.cmd === 'release') {
    release?.();
    release = undefined;
    process.send({ round: m.round, released: true });
  } else process.exit(0);
});
process.send({ ready: true });
`;

interface Reply {
  ready?: boolean;
  round?: number;
  won?: boolean;
  error?: string;
  released?: boolean;
}

test('eight processes taking the lock at the same instant: exactly one wins, with no lock and over a stale one', { skip: !LINUX }, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-race-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const script = join(base, 'worker.mjs');
  writeFileSync(script, WORKER);
  // lock.ts bundled to plain JavaScript: eight workers under tsx take seconds each to start on a busy machine.
  const bundle = join(base, 'lock.mjs');
  buildSync({ entryPoints: [fileURLToPath(LOCK_TS)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent' });
  const t0 = Date.now();
  const workers = Array.from({ length: 8 }, () => fork(script, [], { execArgv: [], env: { ...process.env, LOCK_TS: pathToFileURL(bundle).href }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  t.after(() => workers.forEach((w) => w.kill('SIGKILL')));
  const inbox = workers.map(() => [] as Reply[]);
  workers.forEach((w, i) => w.on('message', (m: Reply) => inbox[i]!.push(m)));
  const next = async (i: number, pick: (m: Reply) => boolean): Promise<Reply> => {
    for (const end = Date.now() + 20_000; ; await sleep(2)) {
      const k = inbox[i]!.findIndex(pick);
      if (k >= 0) return inbox[i]!.splice(k, 1)[0]!;
      if (Date.now() > end) throw new Error(`worker ${i} did not answer`);
    }
  };
  await Promise.all(workers.map((_, i) => next(i, (m) => m.ready === true)));
  const startedMs = Date.now() - t0;

  const live = unrelated(t);
  const stale: [string, (dir: string) => void][] = [
    ['dead pid', (dir) => writeLock(dir, { pid: deadPid(), boot_id: BOOT_ID, proc_start: '1' })],
    ['reused pid', (dir) => writeLock(dir, { pid: live, boot_id: BOOT_ID, proc_start: '1' })],
    ['earlier boot', (dir) => writeLock(dir, { pid: live, boot_id: 'an-earlier-boot', proc_start: '1' })],
    ['dead pid and a takeover file left by a crash', (dir) => {
      writeLock(dir, { pid: deadPid() });
      writeFileSync(join(dir, 'companion.lock.takeover'), JSON.stringify({ pid: deadPid(), host: hostname(), mode: 'once', started: '', token: 'crashed' }));
    }],
  ];
  const rounds: { name: string; setUp?: (dir: string) => void }[] = [];
  for (let i = 0; i < 20; i++) rounds.push({ name: 'no lock' });
  for (let i = 0; i < 20; i++) rounds.push({ name: stale[i % stale.length]![0], setUp: stale[i % stale.length]![1] });

  const r0 = Date.now();
  for (const [round, spec] of rounds.entries()) {
    const dir = join(base, `round-${round}`);
    mkdirSync(dir);
    spec.setUp?.(dir);
    const at = Date.now() + 100;
    workers.forEach((w) => w.send({ cmd: 'go', dir, at, round }));
    const replies = await Promise.all(workers.map((_, i) => next(i, (m) => m.round === round && m.won !== undefined)));
    assert.deepEqual(replies.filter((r) => r.error).map((r) => r.error), [], `round ${round} (${spec.name})`);
    const winners = replies.flatMap((r, i) => (r.won ? [i] : []));
    assert.equal(winners.length, 1, `round ${round} (${spec.name}): ${winners.length} winners`);
    const holder = JSON.parse(readFileSync(join(dir, 'companion.lock'), 'utf8')) as LockInfo;
    assert.equal(holder.pid, workers[winners[0]!]!.pid, `round ${round}: the lock names the winner`);
    assert.equal(existsSync(join(dir, 'companion.lock.takeover')), false, `round ${round}: no takeover file left`);
    workers[winners[0]!]!.send({ cmd: 'release', round });
    await next(winners[0]!, (m) => m.round === round && m.released === true);
    assert.equal(existsSync(join(dir, 'companion.lock')), false);
  }
  t.diagnostic(`8 workers up in ${startedMs} ms; ${rounds.length} rounds in ${Date.now() - r0} ms`);
  workers.forEach((w) => w.send({ cmd: 'exit' }));
});

test('without an identity to check (no /proc, another host) the heartbeat decides; a holder keeps its heartbeat fresh', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-beat-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const file = join(base, 'companion.lock');
  const live = unrelated(t);
  // A holder that recorded no boot id or start time (as on macOS), alive by pid: fresh holds, silent is stale.
  writeLock(base, { pid: live, token: 'mac' });
  assert.throws(() => acquireLock(base, 'once'), LockHeld);
  writeLock(base, { pid: live, token: 'mac' }, 60_000);
  acquireLock(base, 'once')();
  // Another host's pid means nothing here: only its heartbeat counts.
  writeLock(base, { pid: process.pid, host: 'other-laptop', token: 'far' });
  assert.throws(() => acquireLock(base, 'once'), LockHeld);
  writeLock(base, { pid: process.pid, host: 'other-laptop', token: 'far' }, 60_000);
  const release = acquireLock(base, 'once');
  // The holder refreshes the lock's mtime every few seconds.
  utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await until('a heartbeat', () => Date.now() - statSync(file).mtimeMs < 10_000, 8_000, 100);
  assert.equal(readLock(base)?.pid, process.pid);
  release();
  assert.equal(existsSync(file), false);
});

test('aios run stopped during start-up, or failing to start, leaves no lock behind', async (t) => {
  const d = setUp(t);
  const lock = join(d.state, 'companion.lock');
  const codes: string[] = [];
  for (const delay of [100, 175, 250, 300]) {
    const run = aios(['run', '--vault', d.vault, '--state-dir', d.state], d.env, t);
    await sleep(delay);
    run.proc.kill('SIGTERM');
    const r = await run.exited;
    codes.push(`${delay} ms: ${r.code ?? r.signal}`);
    assert.ok(r.code === 0 || r.signal === 'SIGTERM', `${delay} ms: ${r.code} ${r.signal} ${run.out()}`);
    assert.equal(existsSync(lock), false, `SIGTERM ${delay} ms after spawning left the lock`);
  }
  // The signal lands just after the lock was taken, while start-up is still under way.
  const run = aios(['run', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  await until('the lock', () => existsSync(lock), 20_000, 1);
  run.proc.kill('SIGTERM');
  const r = await run.exited;
  assert.equal(r.code, 0, run.out());
  assert.equal(existsSync(lock), false, 'SIGTERM right after the lock was taken left it');
  codes.push(`at the lock: ${r.code}`);
  // A start-up failure after the lock was taken (another machine holds the lease): exit 2, lock released.
  const local = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 19); // the template's zone is Europe/Moscow
  writeFileSync(join(d.vault, 'AIOS/Companion lease.md'), `---\naios_kind: lease\nhost: other-laptop\npid: 42\nstarted: ${local}\nheartbeat: ${local}\nttl_seconds: 300\n---\n`);
  const refused = aios(['run', '--vault', d.vault, '--state-dir', d.state], d.env, t);
  const f = await refused.exited;
  assert.equal(f.code, 2, refused.out());
  assert.match(refused.out(), /run by the companion on other-laptop/);
  assert.equal(existsSync(lock), false, 'a failed start-up left the lock');
  t.diagnostic(codes.join('; '));
});

test('the start-up sweep removes a dead writer\'s temp files at once and keeps a live writer\'s', { skip: !LINUX }, async (t) => {
  const d = setUp(t);
  const temps = (): string[] =>
    readdirSync(d.vault, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.startsWith('.aios-tmp-'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  // Writers are real processes that leave a temp file under way through the same helper the vault uses.
  const writerScript = join(d.base, 'writer.mjs');
  writeFileSync(writerScript, `const { tempPathFor } = await import(process.env.ATOMIC_TS);\nconst { writeFileSync } = await import('node:fs');\nconst p = tempPathFor(process.env.TARGET);\nwriteFileSync(p, 'half');\nprocess.send(p);\nsetInterval(() => {}, 1000);\n`);
  const writer = async (target: string) => {
    const w = fork(writerScript, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ATOMIC_TS, TARGET: join(d.vault, target) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    t.after(() => w.kill('SIGKILL'));
    const temp = await new Promise<string>((resolve) => w.once('message', (m) => resolve(String(m))));
    return { temp, kill: async () => (w.kill('SIGKILL'), await new Promise((r) => w.once('exit', r))) };
  };
  const crashed = await writer('Finance/Cash position.md');
  await crashed.kill();
  const live = await writer('AIOS/Costs/2026-W01.md');
  // Made to look old: the writer's liveness, not the file's age, keeps it.
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(live.temp, hourAgo, hourAgo);
  // Untagged names (written by older versions): judged by age alone.
  const youngUntagged = join(d.vault, 'Finance/.aios-tmp-0123456789ab-young.md');
  const oldUntagged = join(d.vault, 'Finance/.aios-tmp-0123456789ab-old.md');
  writeFileSync(youngUntagged, 'x');
  writeFileSync(oldUntagged, 'x');
  utimesSync(oldUntagged, hourAgo, hourAgo);
  assert.equal(temps().length, 4);

  const status = spawnSync(process.execPath, [BIN, 'status', '--vault', d.vault, '--state-dir', d.state], { encoding: 'utf8', env: d.env });
  assert.equal(status.status, 0, status.stderr);
  assert.deepEqual(temps(), [live.temp, youngUntagged].sort());
  // Its writer gone, the other temp goes at the next start too, however young.
  await live.kill();
  utimesSync(live.temp, new Date(), new Date());
  const again = spawnSync(process.execPath, [BIN, 'once', 'costs', '--vault', d.vault, '--state-dir', d.state], { encoding: 'utf8', env: d.env });
  assert.equal(again.status, 0, again.stderr + again.stdout);
  assert.deepEqual(temps(), [youngUntagged]);
});
