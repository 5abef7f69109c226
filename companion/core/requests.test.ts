import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobsFor, planRequest, requestAnswer } from './requests.ts';
import { catalogue } from './i18n/index.ts';
import type { Job, RunRecord } from './job.ts';

const job = (name: string, importers = false): Job => ({ name, description: '', stage: 'data', triggers: [], ...(importers ? { importers: [{ name: `${name}-importer` } as never] } : {}), run: async () => ({ status: 'ok', summary: '' }) });
const JOBS = [job('mail'), job('statements', true), job('invoices', true), job('reconcile'), job('digest'), job('import')];
const en = catalogue('en');

test('each action runs its jobs; bootstrap is refused with a reason until it exists', () => {
  assert.deepEqual(jobsFor('sync_mail', JOBS).map((j) => j.name), ['mail']);
  assert.deepEqual(jobsFor('reconcile', JOBS).map((j) => j.name), ['invoices', 'reconcile']);
  assert.deepEqual(jobsFor('import', JOBS).map((j) => j.name), ['statements', 'invoices', 'import']);
  const plan = planRequest({ action: 'bootstrap', requested_at: '2026-12-02T10:00:00', status: 'open' }, '2026-12-02T10:01:00', 60, JOBS, en);
  assert.equal(plan?.kind, 'answer');
  assert.equal(plan?.kind === 'answer' && plan.patch.status, 'failed');
});

test('a request older than the expiry is answered expired, not run late; a fresh or interrupted one runs; an answered one is left alone', () => {
  const fm = (requested_at: string, status = 'open') => ({ action: 'digest', requested_at, status });
  const late = planRequest(fm('2026-12-02T08:59:00'), '2026-12-02T10:00:00', 60, JOBS, en);
  assert.deepEqual(late, { kind: 'answer', patch: { status: 'expired', answered_at: '2026-12-02T10:00:00', result: en['request.expired']({ minutes: 60 }) } });
  assert.equal(planRequest(fm('2026-12-02T09:00:00'), '2026-12-02T10:00:00', 60, JOBS, en)?.kind, 'run');
  // Taken up before the service stopped: runs again however old (the jobs are idempotent).
  assert.equal(planRequest(fm('2026-12-01T09:00:00', 'running'), '2026-12-02T10:00:00', 60, JOBS, en)?.kind, 'run');
  assert.equal(planRequest(fm('2026-12-02T09:59:00', 'done'), '2026-12-02T10:00:00', 60, JOBS, en), undefined);
  // An unreadable time is not "fresh".
  assert.equal(planRequest(fm('soon'), '2026-12-02T10:00:00', 60, JOBS, en)?.kind, 'answer');
});

test('the answer is done unless a run failed, with each job\'s summary', () => {
  const rec = (job: string, status: RunRecord['status'], summary: string): RunRecord => ({ job, status, summary, started: '', finished: '', host: 'h' });
  assert.deepEqual(requestAnswer([rec('invoices', 'ok', '2 new'), rec('reconcile', 'ok', '3 matched')], 'T', en), { status: 'done', answered_at: 'T', result: 'invoices: 2 new; reconcile: 3 matched' });
  assert.equal(requestAnswer([rec('mail', 'failed', 'server down')], 'T', en).status, 'failed');
});
