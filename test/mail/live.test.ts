// The live loop (what `aios run` runs for mail): new mail appears without a restart, and a server
// outage is reported in the health and caught up after, the loop never ending on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { serveMail } from '../../companion/mail/index.ts';
import { mailContext, mailNotes, message } from './helpers.ts';
import type { JobContext } from '../../companion/core/job.ts';

let d: Dovecot;
before(async () => {
  d = await startDovecot();
});
after(() => d?.cleanup());

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

test('live: appended mail appears; Dovecot stopped and restarted under it is reported and caught up', { timeout: 120_000 }, async () => {
  await d.append('INBOX', [message(1)]);
  const t = mailContext(d, { settings: { mail_poll_seconds: 30 } });
  const controller = new AbortController();
  const ctx: JobContext = { ...t.ctx, signal: controller.signal };
  let ended = false;
  const serving = serveMail(ctx).finally(() => (ended = true));
  try {
    await waitFor('the first sync', () => mailNotes(t.vaultDir).length === 1, 30_000);
    // Give imapflow a moment to enter IDLE, then deliver.
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    await d.append('INBOX', [message(2)]);
    await waitFor('the appended message', () => mailNotes(t.vaultDir).length === 2, 30_000);
    console.log(`# live delivery delay: ${Date.now() - sent} ms`);

    d.stop();
    await waitFor('the outage in the health', () => t.runtime.healthAll()['mail:main']?.ok === false, 30_000);
    assert.match(t.runtime.healthAll()['mail:main']!.detail, /retrying|closed|ECONNREFUSED/i);
    assert.equal(ended, false, 'the loop ended on an outage');
    await d.start();
    await d.append('INBOX', [message(3)]);
    const caughtUp = await waitFor('catch-up after the restart', () => mailNotes(t.vaultDir).length === 3, 60_000);
    console.log(`# caught up ${caughtUp} ms after the restart`);
    await waitFor('health back to ok', () => t.runtime.healthAll()['mail:main']?.ok === true, 10_000);
    assert.equal(ended, false);
  } finally {
    controller.abort();
    const r = await serving;
    assert.equal(r.status, 'ok');
    t.cleanup();
  }
});
