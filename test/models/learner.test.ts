// The built-in learner, for real: k-fold cross-validation on the labelled set in the repo (groups of
// renderings of one written mail kept in one fold), incremental corrections, persistence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupFolds, loadLabelledMail, type LabelledMail } from './labelled.ts';
import { MailLearner } from '../../companion/models/providers/learner.ts';
import { LearnerStore, syncOwnerLabels } from '../../companion/models/learner-store.ts';
import { StateDir } from '../../companion/core/state.ts';
import { SETTINGS } from '../../contract/settings.ts';

const THRESHOLD = Number(SETTINGS.router_confidence_threshold.default);

function train(mails: readonly LabelledMail[]): MailLearner {
  const l = new MailLearner();
  for (const m of mails) l.learn(m.id, { label: m.category, subject: m.subject, body: m.body, from: m.from, list: m.list });
  l.recalibrate(true);
  return l;
}

test('labelled set: at least 300 mails, every default category, Russian and English, real fixtures included', async () => {
  const mails = await loadLabelledMail();
  assert.ok(mails.length >= 300, `${mails.length} mails`);
  const cats = new Set(mails.map((m) => m.category));
  for (const c of ['invoice', 'payment_notice', 'contract', 'claim', 'client_request', 'newsletter', 'notification', 'other']) assert.ok(cats.has(c), c);
  assert.ok(mails.filter((m) => m.lang === 'ru').length >= 100);
  assert.ok(mails.filter((m) => m.lang === 'en').length >= 100);
  assert.ok(mails.filter((m) => m.id.startsWith('real:')).length >= 5);
  assert.equal(new Set(mails.map((m) => `${m.subject}\n${m.body}`)).size, mails.length, 'no two mails are the same text');
});

test('5-fold cross-validation: >= 85% on held-back folds, >= 95% on the answers kept local', async () => {
  const mails = await loadLabelledMail();
  const folds = groupFolds(mails, 5);
  let correct = 0;
  let kept = 0;
  let keptCorrect = 0;
  for (const fold of folds) {
    const held = new Set(fold);
    const learner = train(mails.filter((_, i) => !held.has(i)));
    for (const i of fold) {
      const m = mails[i]!;
      const p = learner.predict(m)!;
      if (p.label === m.category) correct++;
      if (p.confidence >= THRESHOLD) {
        kept++;
        if (p.label === m.category) keptCorrect++;
      }
    }
  }
  const accuracy = correct / mails.length;
  const keptAccuracy = keptCorrect / kept;
  assert.ok(accuracy >= 0.85, `held-out accuracy ${accuracy.toFixed(3)}`);
  assert.ok(keptAccuracy >= 0.95, `accuracy of kept answers ${keptAccuracy.toFixed(3)} (${kept} kept)`);
  assert.ok(kept / mails.length >= 0.6, `only ${kept} of ${mails.length} answers kept local`);
});

test('confidence is calibrated: no worse than its own claim on held-out mail', async () => {
  const mails = await loadLabelledMail();
  const folds = groupFolds(mails, 5);
  let claimed = 0;
  let right = 0;
  for (const fold of folds) {
    const held = new Set(fold);
    const learner = train(mails.filter((_, i) => !held.has(i)));
    for (const i of fold) {
      const p = learner.predict(mails[i]!)!;
      claimed += p.confidence;
      if (p.label === mails[i]!.category) right++;
    }
  }
  // Mean confidence within 8 points of the real hit rate.
  assert.ok(Math.abs(claimed / mails.length - right / mails.length) < 0.08, `claims ${(claimed / mails.length).toFixed(3)}, hits ${(right / mails.length).toFixed(3)}`);
});

test('a correction is unlearned and relearned exactly; restricting labels works', () => {
  const a = new MailLearner();
  const b = new MailLearner();
  const ex = { subject: 'Счёт на оплату № 12', body: 'Высылаем счёт на оплату бумаги', from: 'buh@bumaga-opt.example' };
  a.learn('m1', { ...ex, label: 'claim' });
  a.learn('m1', { ...ex, label: 'invoice' });
  a.learn('m2', { subject: 'Жалоба', body: 'Брак в тираже', label: 'claim' });
  b.learn('m1', { ...ex, label: 'invoice' });
  b.learn('m2', { subject: 'Жалоба', body: 'Брак в тираже', label: 'claim' });
  assert.deepEqual(a.predict(ex), b.predict(ex));
  assert.equal(a.size, 2);
  assert.equal(a.predict(ex, ['claim'])!.label, 'claim');
  assert.equal(a.forget('m1'), true);
  assert.deepEqual(a.labels(), ['claim']);
});

test('persisted in the state folder; owner labels taken from notes, the companion\'s own guesses not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aios-learner-'));
  try {
    const mails = (await loadLabelledMail()).slice(0, 60);
    const store = new LearnerStore(new StateDir(dir));
    const notes = mails.map((m) => ({ path: `Mail/${m.id}.md`, frontmatter: { category: m.category, subject: m.subject, from: m.from, list: m.list } }));
    const bodies = new Map(mails.map((m) => [`Mail/${m.id}.md`, m.body]));
    store.recordPrediction(notes[0]!.path, mails[0]!.category);
    const r = syncOwnerLabels(store, notes, (p) => bodies.get(p)!, ['invoice', 'payment_notice', 'contract', 'claim', 'client_request', 'newsletter', 'notification', 'other']);
    assert.equal(r.learned, 59);
    assert.equal(r.skipped, 1);
    // Nothing new the second time.
    assert.equal(syncOwnerLabels(store, notes, (p) => bodies.get(p)!, ['invoice', 'other', 'claim', 'contract', 'payment_notice', 'client_request', 'newsletter', 'notification']).learned, 0);
    const reloaded = new LearnerStore(new StateDir(dir)).get();
    assert.equal(reloaded.size, 59);
    assert.deepEqual(reloaded.predict(mails[1]!), store.get().predict(mails[1]!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state file from before this learner loads: labels kept in their stored order, temperature refitted', async () => {
  const mails = (await loadLabelledMail()).slice(0, 40);
  const examples = Object.fromEntries(mails.map((m) => [m.id, { label: m.category, subject: m.subject, body: m.body, from: m.from }]));
  // Two labels for one address, stored last: the order of the file stands in for the order they were given.
  examples['x1'] = { label: 'other', subject: 'a', body: 'first', from: 'old@sender.example' };
  examples['x2'] = { label: 'other', subject: 'b', body: 'second', from: 'old@sender.example' };
  const old = { version: 1 as const, alpha: 0.1, temperature: 123, examples };
  const l = new MailLearner(old);
  assert.equal(l.size, 42);
  assert.notEqual(l.temperature, 123, 'a temperature fitted for other features is refitted');
  assert.equal(l.senderLabel('old@sender.example'), 'other');
  assert.equal(old.examples['x1']!.body, 'first');
  assert.equal('seq' in old.examples['x1']!, false, 'the caller\'s state is not written into');
  const saved = l.toState();
  assert.ok(saved.scheme && typeof saved.nextSeq === 'number');
});
