// The learner job over a real vault: mail notes whose category the owner set or corrected become examples
// in the models' state folder; the companion's own guesses (written by triage, or recorded) do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeTestContext } from '../support/context.ts';
import { learnerJob } from '../../companion/models/learn-job.ts';
import { LearnerStore } from '../../companion/models/learner-store.ts';
import { modelsState } from '../../companion/models/index.ts';
import { DEMO_NOW } from './harness.ts';

test('learner job takes owner labels from mail notes, once; the companion\'s own categories never', async () => {
  const tc = makeTestContext({ now: DEMO_NOW });
  try {
    const mk = (i: number, subject: string) =>
      tc.vault.writeCompanionNote('mail_message', {
        subject, from: `sender${i}@bumaga-opt.example`, to: ['anna@kestrel-print.example'], cc: [], date: `2026-11-2${i}T10:00:00`,
        thread_key: `<m${i}@x>`, source: 'file', body_hash: `h${i}`, attachments: [], list: false, status: 'new',
      }, `Счёт на оплату бумаги № ${i}`).path;
    /** The owner sets a category in Obsidian: one frontmatter line. */
    const ownerSets = (path: string, category: string) => {
      const abs = tc.vault.abs(path);
      const text = readFileSync(abs, 'utf8');
      writeFileSync(abs, /^category: .*$/m.test(text) ? text.replace(/^category: .*$/m, `category: ${category}`) : text.replace(/^status: new$/m, `status: new\ncategory: ${category}`));
      tc.index.noteChanged(path);
    };
    const p1 = mk(1, 'Счёт № 1');
    const p2 = mk(2, 'Счёт № 2');
    mk(3, 'Без категории');
    const p4 = mk(4, 'Guess');
    const p5 = mk(5, 'Corrected guess');
    const p6 = mk(6, 'Recorded guess');
    ownerSets(p1, 'invoice');
    ownerSets(p2, 'invoice');
    // Triage wrote these two; the owner corrected the second.
    tc.vault.updateCompanionKeys(p4, { category: 'invoice' });
    tc.vault.updateCompanionKeys(p5, { category: 'invoice' });
    tc.index.noteChanged(p4);
    assert.match(readFileSync(tc.vault.abs(p4), 'utf8'), /^category: invoice$/m);
    ownerSets(p5, 'claim');
    // A guess recorded in the learner's own state (a category proposed outside the note's record).
    ownerSets(p6, 'invoice');
    const store = new LearnerStore(modelsState(tc.contextFor(learnerJob).state));
    store.recordPrediction(p6, 'invoice');
    const first = await tc.runtime.runJob(learnerJob);
    assert.equal(first.status, 'ok', first.summary);
    assert.equal(first.counts?.learned, 3);
    const again = await tc.runtime.runJob(learnerJob);
    assert.equal(again.counts?.learned, 0);
    const learned = new LearnerStore(modelsState(tc.contextFor(learnerJob).state)).get();
    assert.equal(learned.size, 3);
    assert.equal(learned.countOf('claim'), 1, 'the owner\'s correction of a guess is the owner\'s');
    assert.equal(learned.countOf('invoice'), 2);
  } finally {
    tc.cleanup();
  }
});
