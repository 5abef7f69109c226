// Jobs in worker threads under the real service: a busy loop is stopped at its time limit, a memory hog
// at its memory limit, both reported as failed; the job after them still runs, and what a worker wrote
// reaches the service's index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeTestContext } from '../support/context.ts';
import { SimTime } from '../support/sim-time.ts';
import { startService } from '../../companion/core/service.ts';
import { JOBS } from '../support/test-jobs.ts';

const REGISTRY = fileURLToPath(new URL('../support/test-jobs.ts', import.meta.url));

test('a busy loop and a memory hog are stopped in their workers and reported; the next job runs', { timeout: 120_000 }, async () => {
  const sim = new SimTime(new Date('2026-11-24T05:30:00Z')); // 06:30 in Berlin: each job's 06:00 is due
  const tc = makeTestContext({ now: () => sim.now(), settings: { timezone: 'Europe/Berlin', job_memory_mb: 96, lease_ttl_seconds: 3600 } });
  const service = await startService(tc.runtime, JOBS, { time: sim, isolate: { registry: REGISTRY } });
  try {
    for (let i = 0; i < 600 && tc.runtime.runs().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    await service.idle();
    const runs = tc.runtime.runs();
    assert.deepEqual(runs.map((r) => [r.job, r.status]), [['busy', 'failed'], ['hog', 'failed'], ['writer', 'ok']]);
    assert.match(runs[0]!.summary, /stopped after 2 s: it did not finish in time/);
    assert.match(runs[1]!.summary, /more than 96 MB/);
    assert.match(runs[2]!.summary, /wrote at 2026-11-24T06:30/, 'the worker ran on the simulated clock');
    assert.ok(existsSync(tc.vault.abs('Digests/written by a worker.md')));
  } finally {
    await service.stop();
    tc.cleanup();
  }
});
