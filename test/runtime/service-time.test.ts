// The service on a simulated clock: nights asleep, mornings caught up in stage order, daylight-saving
// days with a 02:30 job awake and asleep, failed runs retried with a doubling wait, a hung job that
// stops nothing else, and triggers that fire (after, notes, answered) and drop nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { SimTime } from '../support/sim-time.ts';
import { startService, type ServiceHandle } from '../../companion/core/service.ts';
import type { Job, JobResult, Stage, Trigger } from '../../companion/core/job.ts';

interface Rig {
  tc: TestContext;
  sim: SimTime;
  service: ServiceHandle;
  /** Runs recorded so far: [local start, job, trigger, status]. */
  runs(job?: string): { started: string; job: string; trigger?: string; status: string }[];
  settle(): Promise<void>;
  close(): Promise<void>;
}

const fake = (name: string, stage: Stage, triggers: Trigger[], run: () => Promise<JobResult> | JobResult = () => ({ status: 'ok', summary: 'done' })): Job => ({
  name, stage, description: `test job ${name}`, triggers, run: async () => run(),
});

async function rig(start: string, jobs: Job[], tz = 'Europe/Berlin', settings: Record<string, string | number> = {}): Promise<Rig> {
  const sim = new SimTime(new Date(start));
  const tc = makeTestContext({ now: () => sim.now(), settings: { timezone: tz, lease_ttl_seconds: 3600, ...settings } });
  const service = await startService(tc.runtime, jobs, { time: sim });
  const settle = () => service.idle();
  await settle();
  return {
    tc, sim, service, settle,
    runs: (job) => tc.runtime.runs().filter((r) => !job || r.job === job).map((r) => ({ started: r.started, job: r.job, trigger: r.trigger, status: r.status })),
    close: async () => {
      await service.stop();
      tc.cleanup();
    },
  };
}

const perDay = (runs: { started: string }[]) => {
  const m = new Map<string, number>();
  for (const r of runs) m.set(r.started.slice(0, 10), (m.get(r.started.slice(0, 10)) ?? 0) + 1);
  return Object.fromEntries(m);
};

test('three simulated days asleep 23:00-09:00: one digest a day, one catch-up of each job at wake, in stage order', async () => {
  const jobs = [
    fake('mail', 'data', [{ kind: 'schedule', cron: '*/15 * * * *' }]),
    fake('statements', 'data', [{ kind: 'schedule', cron: '0 5 * * *' }]),
    fake('risk', 'passes', [{ kind: 'schedule', cron: '30 5 * * *' }]),
    fake('digest', 'reports', [{ kind: 'schedule', cron: '0 6 * * *' }]),
  ];
  // Monday 2026-11-23, 22:00 in Berlin (21:00Z), the first start of the service.
  const r = await rig('2026-11-23T21:00:00Z', jobs);
  try {
    for (const [sleepAt, wakeAt, bedAt] of [
      ['2026-11-23T22:00:00Z', '2026-11-24T08:00:00Z', '2026-11-24T22:00:00Z'],
      ['2026-11-24T22:00:00Z', '2026-11-25T08:00:00Z', '2026-11-25T22:00:00Z'],
      ['2026-11-25T22:00:00Z', '2026-11-26T08:00:00Z', '2026-11-26T22:00:00Z'],
    ] as const) {
      await r.sim.advance(new Date(sleepAt), r.settle); // awake until 23:00 local
      const before = r.runs().length;
      await r.sim.sleepMachine(new Date(wakeAt), r.settle); // 09:00 local
      // At wake: each missed job once, data before passes before reports.
      const woke = r.runs().slice(before).map((x) => x.job);
      assert.deepEqual(woke, ['mail', 'statements', 'risk', 'digest'], `wake at ${wakeAt}`);
      await r.sim.advance(new Date(bedAt), r.settle);
    }
    for (const job of ['statements', 'risk', 'digest']) {
      assert.deepEqual(perDay(r.runs(job)), { '2026-11-23': 1, '2026-11-24': 1, '2026-11-25': 1, '2026-11-26': 1 }, job);
    }
    // Mail every 15 minutes while awake (09:00-23:00 is 56 slots), once at wake for the whole night.
    const mail = perDay(r.runs('mail'));
    assert.equal(mail['2026-11-25'], 1 + 56);
    assert.ok(r.runs().every((x) => x.status === 'ok'));
  } finally {
    await r.close();
  }
});

for (const [what, day, before, after] of [
  // 2026-03-29: 02:00 becomes 03:00; 2026-10-25: 03:00 becomes 02:00 (Europe/Berlin).
  ['spring forward', '2026-03-29', '2026-03-28', '2026-03-30'],
  ['fall back', '2026-10-25', '2026-10-24', '2026-10-26'],
] as const) {
  for (const asleep of [false, true]) {
    test(`${what}: a 02:30 job runs exactly once a day, the machine ${asleep ? 'asleep over' : 'awake through'} the change`, async () => {
      const r = await rig(`${before}T12:00:00Z`, [fake('night', 'data', [{ kind: 'schedule', cron: '30 2 * * *' }])]);
      try {
        // The first start catches up the 02:30 of the day before it.
        for (const [from, to] of [[`${before}T21:30:00Z`, `${day}T07:00:00Z`], [`${day}T21:30:00Z`, `${after}T07:00:00Z`]] as const) {
          await r.sim.advance(new Date(from), r.settle);
          if (asleep) await r.sim.sleepMachine(new Date(to), r.settle);
          else await r.sim.advance(new Date(to), r.settle);
        }
        await r.sim.advance(new Date(`${after}T20:00:00Z`), r.settle);
        const days = perDay(r.runs('night'));
        assert.equal(days[day], 1, JSON.stringify(r.runs('night')));
        assert.equal(days[after], 1, JSON.stringify(r.runs('night')));
        if (!asleep) {
          // Awake: it ran at the jump (03:00) in spring, at the first 02:30 in autumn.
          const run = r.runs('night').find((x) => x.started.startsWith(day))!;
          assert.equal(run.started.slice(11, 16), what === 'spring forward' ? '03:00' : '02:30');
        }
      } finally {
        await r.close();
      }
    });
  }
}

test('a failed run is not done: retried after 1, 2, 4 minutes until it succeeds; the others go on', async () => {
  let calls = 0;
  const flaky = fake('flaky', 'passes', [{ kind: 'schedule', cron: '0 6 * * *' }], () => {
    calls++;
    if (calls <= 3) throw new Error(`broken ${calls}`);
    return { status: 'ok', summary: 'fine' };
  });
  const steady = fake('steady', 'data', [{ kind: 'schedule', cron: '*/5 * * * *' }]);
  const r = await rig('2026-11-24T04:59:00Z', [flaky, steady]); // 05:59 local
  try {
    r.sim.now();
    await r.sim.advance(new Date('2026-11-24T05:30:00Z'), r.settle);
    const f = r.runs('flaky');
    // The first start caught up yesterday's 06:00 (failed), then retries and today's due.
    assert.deepEqual(f.map((x) => [x.started.slice(11, 16), x.trigger, x.status]), [
      ['05:59', 'schedule', 'failed'], ['06:00', 'retry', 'failed'], ['06:02', 'retry', 'failed'], ['06:06', 'retry', 'ok'],
    ]);
    assert.ok(r.runs('steady').length >= 6);
    assert.ok(r.runs('steady').every((x) => x.status === 'ok'));
  } finally {
    await r.close();
  }
});

test('a job that hangs is stopped at its time limit and reported; the queue moves on', async () => {
  const hang = { ...fake('hang', 'data', [{ kind: 'schedule', cron: '0 6 * * *' }], () => new Promise<JobResult>(() => undefined)), timeoutSeconds: 1 };
  const after = fake('report', 'reports', [{ kind: 'schedule', cron: '0 6 * * *' }]);
  const r = await rig('2026-11-24T05:00:00Z', [hang, after]);
  try {
    await r.settle();
    assert.deepEqual(r.runs().map((x) => [x.job, x.status]), [['hang', 'failed'], ['report', 'ok']]);
    assert.match(r.tc.runtime.runs()[0]!.summary, /did not finish in time/);
  } finally {
    await r.close();
  }
});

test('triggers fire: after a job that did something, on notes of a kind, on an answered decision; nothing arriving mid-run is dropped', async () => {
  let slow = 0;
  const jobs = [
    fake('source', 'data', [{ kind: 'schedule', cron: '0 6 * * *' }]),
    fake('follower', 'passes', [{ kind: 'after', job: 'source' }]),
    fake('on-counterparty', 'passes', [{ kind: 'notes', kinds: ['counterparty'] }], async () => {
      slow++;
      await new Promise((res) => setTimeout(res, 300));
      return { status: 'ok', summary: `run ${slow}` };
    }),
    fake('on-answer', 'passes', [{ kind: 'answered', decisionKinds: ['test_kind'] }]),
  ];
  const r = await rig('2026-11-24T05:00:00Z', jobs);
  try {
    await r.settle();
    assert.deepEqual(r.runs().map((x) => x.job).slice(0, 2), ['source', 'follower']);
    // A counterparty written by hand wakes its job; a second written while it runs is not dropped.
    const cp = (name: string) => `---\naios_kind: counterparty\nname: ${name}\n---\n`;
    writeFileSync(r.tc.vault.abs('Counterparties/Acme.md'), cp('Acme'));
    for (let i = 0; i < 100 && r.runs('on-counterparty').length === 0; i++) await new Promise((res) => setTimeout(res, 50));
    writeFileSync(r.tc.vault.abs('Counterparties/Beta.md'), cp('Beta'));
    await new Promise((res) => setTimeout(res, 1500));
    await r.settle();
    assert.equal(r.runs('on-counterparty').length, 2, 'once for the first note, once more for the one that arrived during the run');
    assert.ok(r.tc.index.findCounterparty({ name: 'Beta' }), 'the index followed the owner\'s note');
    // An answer to a decision of the kind the job listens for.
    const { path } = r.tc.vault.writeCompanionNote('decision_item', {
      finding_key: 'k', kind: 'test_kind', title: 'T', severity: 'low', created: '2026-11-24T06:00:00', why: 'w', evidence: [],
      options: ['Yes'], option_ids: ['yes'], targets: [], status: 'open',
    }, 'x\n');
    await r.settle();
    assert.equal(r.runs('on-answer').length, 0, 'the companion\'s own write wakes nothing');
    const abs = r.tc.vault.abs(path);
    const { readFileSync } = await import('node:fs');
    writeFileSync(abs, readFileSync(abs, 'utf8').replace('status: open', 'status: decided\nanswer: yes'));
    for (let i = 0; i < 100 && r.runs('on-answer').length === 0; i++) await new Promise((res) => setTimeout(res, 50));
    await r.settle();
    assert.equal(r.runs('on-answer').length, 1);
  } finally {
    await r.close();
  }
});

test('a schedule edited in the settings note applies without a restart', async () => {
  const weekly = fake('report', 'reports', [{ kind: 'schedule', setting: 'schedule_costs' }]);
  const r = await rig('2026-11-24T10:00:00Z', [weekly]); // Tuesday; the default is Monday 07:00
  try {
    await r.settle();
    const first = r.runs('report').length; // the first start caught up Monday's
    assert.equal(first, 1);
    const settings = r.tc.vault.abs('AIOS/Settings.md');
    const { readFileSync } = await import('node:fs');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^---\n/, '---\nschedule_costs: "0 12 * * TUE"\n'));
    for (let i = 0; i < 100 && r.tc.runtime.settings.string('schedule_costs') !== '0 12 * * TUE'; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(r.tc.runtime.settings.string('schedule_costs'), '0 12 * * TUE');
    r.service.wake();
    await r.sim.advance(new Date('2026-11-24T11:30:00Z'), r.settle); // 12:30 in Berlin
    assert.deepEqual(r.runs('report').map((x) => x.started.slice(0, 16)), ['2026-11-24T11:00', '2026-11-24T12:00']);
  } finally {
    await r.close();
  }
});
