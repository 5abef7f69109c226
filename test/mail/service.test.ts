// Live mail as the owner runs it: `aios run` as a child process against a real Dovecot. New mail
// appears while it runs; the server stopped under it is reported by `aios status` as down while the
// service keeps running; restarted, it catches up (mail delivered during the outage too) and shows
// ok again; SIGTERM stops the service cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import type { StatusReport } from '../../companion/core/status.ts';
import { cliVault, mailNotes, message, readMail } from './helpers.ts';

const CLI = join(import.meta.dirname, '../../bin/aios.mjs');

let d: Dovecot;
before(async () => {
  d = await startDovecot();
});
after(() => d?.cleanup());

function status(vault: string, state: string, env: NodeJS.ProcessEnv): Promise<StatusReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'status', '--vault', vault, '--state-dir', state, '--json'], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`aios status failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as StatusReport);
    });
  });
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, diagnose: () => string): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnose()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

test('aios run: live mail, an outage reported by aios status and caught up, SIGTERM exits 0', { timeout: 240_000 }, async () => {
  const { root, vault, state, env } = cliVault(d, 'aios-service-');
  await d.append('INBOX', [message(1)]);

  let out = '';
  const child: ChildProcess = spawn(process.execPath, [CLI, 'run', '--vault', vault, '--state-dir', state], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const logFile = join(state, 'logs/aios.log');
  const diagnose = () => `service output:\n${out}\nlog tail:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)'}`;
  const notes = () => mailNotes(vault).length;
  const subjects = () => mailNotes(vault).map((n) => String(parseNote(readMail(vault, n)).frontmatter.subject)).sort();
  const mailHealth = async () => (await status(vault, state, env)).sources['mail:main'];

  try {
    await waitFor('the first sync', () => notes() === 1, 60_000, diagnose);
    const running = await status(vault, state, env);
    assert.equal(running.service?.pid, child.pid);
    assert.equal(running.service?.mode, 'service');
    assert.equal(running.sources['mail:main']?.ok, true, JSON.stringify(running.sources));

    // Live: IDLE reports the new message; give imapflow a moment to enter IDLE first.
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    await d.append('INBOX', [message(2)]);
    await waitFor('the appended message', () => notes() === 2, 60_000, diagnose);
    console.log(`# live delivery delay under aios run: ${Date.now() - sent} ms`);

    // Outage: the server goes away under the running service.
    d.stop();
    const noticed = await waitFor('aios status to report the mail source down', async () => (await mailHealth())?.ok === false, 60_000, diagnose);
    console.log(`# outage shown by aios status after ${noticed} ms`);
    const down = (await status(vault, state, env)).sources['mail:main']!;
    assert.equal(down.ok, false);
    assert.match(down.detail, /retrying|closed|ECONNREFUSED/i);
    assert.ok(down.last_ok, 'the last success is kept while down');
    assert.equal(child.exitCode, null, `the service ended on an outage\n${diagnose()}`);
    // Mail keeps arriving at the server's disk while IMAP is down.
    d.deliver(message(3, { subject: 'Delivered during the outage' }));

    // Back: the service reconnects on its own and catches up.
    await d.start();
    await d.append('INBOX', [message(4, { subject: 'Sent after the restart' })]);
    const caughtUp = await waitFor('catch-up after the restart', () => notes() === 4, 90_000, diagnose);
    console.log(`# caught up ${caughtUp} ms after the restart`);
    assert.deepEqual(subjects(), ['Delivered during the outage', 'Order 1', 'Order 2', 'Sent after the restart']);
    await waitFor('aios status to report the mail source ok again', async () => (await mailHealth())?.ok === true, 30_000, diagnose);
    assert.equal(child.exitCode, null);

    child.kill('SIGTERM');
    const end = await exited;
    assert.deepEqual(end, { code: 0, signal: null }, diagnose());
    assert.match(out, /aios: stopped/);
    const stopped = await status(vault, state, env);
    assert.equal(stopped.service, null, 'the lock was not released');
    assert.equal(stopped.jobs.find((j) => j.name === 'mail')?.last?.status, 'ok');
    assert.equal(notes(), 4);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  }
});
