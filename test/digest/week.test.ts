// A simulated week of the service with the real digest job (and stand-ins for the night's other jobs):
// the machine asleep every night 23:00-09:00 across the autumn clock change, exactly one digest note a
// day, made at wake after the data and the passes; a digest that fails one morning is retried, and the
// digest that follows reports the failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { SimTime } from '../support/sim-time.ts';
import { startService } from '../../companion/core/service.ts';
import type { Job, Stage, Trigger } from '../../companion/core/job.ts';
import { digestJob } from '../../companion/digest/index.ts';

const fake = (name: string, stage: Stage, triggers: Trigger[]): Job => ({
  name, stage, description: `stand-in for ${name}`, triggers, run: async () => ({ status: 'ok', summary: 'done', counts: { triaged: 3 } }),
});

test('a week asleep every night across the clock change: one digest a day, at wake, a failed one reported next', async () => {
  // Thursday 2026-10-22 20:00 in Berlin; summer time ends on Sunday 2026-10-25.
  const sim = new SimTime(new Date('2026-10-22T18:00:00Z'));
  const tc = makeTestContext({ now: () => sim.now(), settings: { timezone: 'Europe/Berlin', lease_ttl_seconds: 3600, language: 'en' } });
  const jobs = [
    fake('mail', 'data', [{ kind: 'schedule', cron: '*/30 * * * *' }]),
    fake('triage', 'passes', [{ kind: 'after', job: 'mail' }]),
    fake('risk', 'passes', [{ kind: 'schedule', cron: '45 5 * * *' }]),
    digestJob,
  ];
  const service = await startService(tc.runtime, jobs, { time: sim });
  const settle = () => service.idle();
  const digests = () => readdirSync(join(tc.vaultDir, 'Digests')).filter((f) => f.endsWith('.md')).sort();
  // On the morning of 2026-10-27 a file stands where the Digests folder was: the digest fails until it goes.
  const folder = join(tc.vaultDir, 'Digests');
  try {
    await settle();
    // Local days Friday 23rd to Thursday 29th: asleep 23:00-09:00 local each night (UTC+2, then UTC+1).
    for (let d = 23; d <= 29; d++) {
      // The clocks go back in the night of the 24th to the 25th.
      const bed = new Date(Date.UTC(2026, 9, d - 1, d <= 25 ? 21 : 22));
      const wake = new Date(Date.UTC(2026, 9, d, d <= 24 ? 7 : 8));
      await sim.advance(bed, settle);
      if (d === 27) {
        renameSync(folder, `${folder}.away`);
        writeFileSync(folder, 'in the way');
      }
      await sim.sleepMachine(wake, settle);
      const day = `2026-10-${d}`;
      const runs = tc.runtime.runs().filter((r) => r.started.startsWith(day));
      // At wake: the data, then the passes, then the digest.
      const order = runs.map((r) => r.job).filter((j, i, a) => a.indexOf(j) === i);
      assert.deepEqual(order.slice(0, 4), ['mail', 'triage', 'risk', 'digest'], `${day}: ${order.join(', ')}`);
      if (d === 27) {
        assert.equal(runs.filter((r) => r.job === 'digest').at(-1)!.status, 'failed', JSON.stringify(runs.filter((r) => r.job === 'digest')));
        rmSync(folder);
        renameSync(`${folder}.away`, folder);
        // The retry comes within minutes.
        await sim.advance(new Date(wake.getTime() + 10 * 60_000), settle);
      }
      await sim.advance(new Date(wake.getTime() + 12 * 3600_000), settle);
      assert.ok(digests().includes(`${day} Digest.md`), `${day}: ${digests().join(', ')}`);
    }
    // The first start, at 20:00 on the 22nd, made that day's too.
    assert.deepEqual(digests(), [22, 23, 24, 25, 26, 27, 28, 29].map((d) => `2026-10-${d} Digest.md`));
    for (let d = 23; d <= 29; d++) {
      const made = tc.runtime.runs().filter((r) => r.job === 'digest' && r.status === 'ok' && r.started.startsWith(`2026-10-${d}`));
      assert.equal(made.length, 1, `one digest made on 2026-10-${d}: ${JSON.stringify(made)}`);
      // Made at wake (09:00 local), or by the retry minutes after it.
      assert.ok(made[0]!.started.slice(11, 13) === '09', made[0]!.started);
    }
    // The digest made after the failed attempts reports them.
    const after = readFileSync(join(tc.vaultDir, 'Digests', '2026-10-27 Digest.md'), 'utf8');
    assert.match(after, /\*\*digest failed:\*\*/);
  } finally {
    await service.stop();
    tc.cleanup();
  }
});
