// The learner job over a real vault: mail notes whose category the owner set become examples in the
// models' state folder; the companion's own recorded guesses do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../support/context.ts';
import { learnerJob } from '../../companion/models/learn-job.ts';
import { LearnerStore } from '../../companion/models/learner-store.ts';
import { modelsState } from '../../companion/models/index.ts';
import { DEMO_NOW } from './harness.ts';

test('learner job takes owner labels from mail notes, once', async () => {
  const tc = makeTestContext({ now: DEMO_NOW });
  try {
    const mk = (i: number, subject: string, category: string | undefined) =>
      tc.vault.writeCompanionNote('mail_message', {
        subject, from: `sender${i}@bumaga-opt.example`, to: ['anna@kestrel-print.example'], cc: [], date: `2026-11-2${i}T10:00:00`,
        thread_key: `<m${i}@x>`, source: 'file', body_hash: `h${i}`, attachments: [], list: false, status: 'new', ...(category ? { category } : {}),
      }, `Счёт на оплату бумаги № ${i}`).path;
    const p1 = mk(1, 'Счёт № 1', 'invoice');
    mk(2, 'Счёт № 2', 'invoice');
    mk(3, 'Без категории', undefined);
    const p4 = mk(4, 'Guess', 'invoice');
    const store = new LearnerStore(modelsState(tc.contextFor(learnerJob).state));
    store.recordPrediction(p4, 'invoice');
    const first = await tc.runtime.runJob(learnerJob);
    assert.equal(first.status, 'ok', first.summary);
    assert.equal(first.counts?.learned, 2);
    const again = await tc.runtime.runJob(learnerJob);
    assert.equal(again.counts?.learned, 0);
    const learned = new LearnerStore(modelsState(tc.contextFor(learnerJob).state)).get();
    assert.equal(learned.size, 2);
    assert.ok(p1);
  } finally {
    tc.cleanup();
  }
});
