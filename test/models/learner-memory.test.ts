// Sender memory and corrections: the owner's last two labels for a sender address, when they agree, decide
// that sender's next mail (at once, even on a fresh install, before any model server); a later different
// label or a correction of one of them resets it; the companion's own guesses never count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailLearner } from '../../companion/models/providers/learner.ts';
import { LearnerStore, syncOwnerLabels } from '../../companion/models/learner-store.ts';
import { StateDir } from '../../companion/core/state.ts';
import { CostLedger } from '../../companion/models/ledger.ts';
import { Router, type RouterConfig } from '../../companion/models/router.ts';
import { makeClock } from '../../companion/core/clock.ts';
import { silentLogger } from '../../companion/core/logger.ts';
import { DEFAULT_CATEGORIES } from '../../companion/models/categories.ts';
import { loadLabelledMail } from './labelled.ts';

const FROM = 'Олег Смирнов <oleg@polygraf-service.example>';
/** Supplier offers: the words say "contract" or "client request", this owner files them under "other". */
const offer = (n: number) => ({ subject: `Предложение № ${n}: сервисный договор`, body: `Предлагаем договор на обслуживание плоттеров на 2027 год, скидка ${n}%. Пришлите реквизиты для договора.`, from: FROM });

async function trained(): Promise<MailLearner> {
  const l = new MailLearner();
  for (const m of await loadLabelledMail()) l.learn(m.id, { label: m.category, subject: m.subject, body: m.body, from: m.from, list: m.list });
  l.recalibrate(true);
  return l;
}

test('two owner labels in a row for one address decide the third mail; a different one resets it', async () => {
  const l = await trained();
  // The owner used to file this supplier's offers as contracts, then changed their mind.
  for (let i = 10; i < 16; i++) l.learn(`Mail/offer-${i}.md`, { ...offer(i), label: 'contract' });
  assert.equal(l.predict(offer(3))!.label, 'contract');
  l.learn('Mail/offer-1.md', { ...offer(1), label: 'other' });
  assert.equal(l.senderLabel(FROM), undefined, 'one label is not a habit');
  assert.equal(l.predict(offer(3))!.label, 'contract');
  l.learn('Mail/offer-2.md', { ...offer(2), label: 'other' });
  assert.equal(l.senderLabel(FROM), 'other');
  const third = l.predict(offer(3))!;
  assert.equal(third.label, 'other', 'the model alone would still say contract');
  assert.equal(third.by, 'sender');
  assert.ok(third.confidence >= 0.8, `confidence ${third.confidence}`);
  assert.equal(third.ranking[0]!.label, 'other');
  assert.ok(Math.abs(third.ranking.reduce((a, r) => a + r.p, 0) - 1) < 1e-9, 'the ranking still sums to one');
  // Another address of the same company is another sender.
  assert.notEqual(l.predict({ ...offer(3), from: 'info@polygraf-service.example' })!.by, 'sender');
  // A label outside the task's labels is never forced on it.
  assert.notEqual(l.predict(offer(3), ['contract', 'client_request'])!.label, 'other');
  // The owner files the third one differently: the habit is broken.
  l.learn('Mail/offer-3.md', { ...offer(3), label: 'claim' });
  assert.equal(l.senderLabel(FROM), undefined);
  assert.notEqual(l.predict(offer(4))!.by, 'sender');
});

test('where the model already agrees with the memory, its answer stands, at least as sure', async () => {
  const l = await trained();
  l.learn('Mail/offer-1.md', { ...offer(1), label: 'other' });
  l.learn('Mail/offer-2.md', { ...offer(2), label: 'other' });
  const p = l.predict(offer(3))!;
  assert.equal(p.label, 'other');
  assert.ok(p.confidence >= 0.8, `confidence ${p.confidence}`);
});

test('a correction replaces the earlier label: correcting one of the two also resets the memory', async () => {
  const l = await trained();
  l.learn('Mail/offer-1.md', { ...offer(1), label: 'other' });
  l.learn('Mail/offer-2.md', { ...offer(2), label: 'other' });
  assert.equal(l.senderLabel(FROM), 'other');
  const size = l.size;
  l.learn('Mail/offer-1.md', { ...offer(1), label: 'client_request' });
  assert.equal(l.size, size, 'the same mail, relabelled: still one example');
  assert.equal(l.senderLabel(FROM), undefined, 'last two labels: other, then client_request');
  // Relabelling it back makes it the latest label again: other, other.
  l.learn('Mail/offer-1.md', { ...offer(1), label: 'other' });
  assert.equal(l.senderLabel(FROM), 'other');
  // Forgetting one leaves a single label: no memory.
  l.forget('Mail/offer-2.md');
  assert.equal(l.senderLabel(FROM), undefined);
});

test('the rule\'s confidence is what it has earned on the owner\'s own history', () => {
  const l = new MailLearner();
  const start = l.senderMemoryConfidence();
  assert.ok(start >= 0.85 && start <= 0.95, `prior ${start}`);
  // A sender whose mail the owner files five ways in turn: after each agreeing pair the next label differed.
  const labels = ['invoice', 'invoice', 'claim', 'claim', 'contract', 'contract', 'other', 'other', 'invoice'];
  labels.forEach((label, i) => l.learn(`m${i}`, { subject: `s${i}`, body: `b${i}`, from: 'mixed@x.example', label }));
  assert.ok(l.senderMemoryConfidence() < start, `${l.senderMemoryConfidence()} after four misses`);
});

test('the order survives a restart, and the companion\'s own guesses are not owner labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aios-memory-'));
  try {
    const store = new LearnerStore(new StateDir(dir), { seed: null });
    const note = (i: number, category: string) => ({ path: `Mail/offer-${i}.md`, frontmatter: { category, subject: offer(i).subject, from: FROM } });
    const bodies = (p: string) => offer(Number(/(\d+)\.md$/.exec(p)![1])).body;
    // The companion wrote "other" into the first two itself: not the owner's word.
    store.recordPrediction('Mail/offer-1.md', 'other');
    store.recordPrediction('Mail/offer-2.md', 'other');
    syncOwnerLabels(store, [note(1, 'other'), note(2, 'other')], bodies, [...DEFAULT_CATEGORIES]);
    assert.equal(store.get().size, 0);
    assert.equal(store.get().senderLabel(FROM), undefined);
    // The owner corrects them.
    store.learn({ id: 'Mail/offer-1.md', label: 'claim', ...offer(1) });
    store.learn({ id: 'Mail/offer-2.md', label: 'claim', ...offer(2) });
    assert.equal(store.get().senderLabel(FROM), 'claim');
    const reloaded = new LearnerStore(new StateDir(dir), { seed: null }).get();
    assert.equal(reloaded.senderLabel(FROM), 'claim');
    reloaded.learn('Mail/offer-3.md', { ...offer(3), label: 'other' });
    assert.equal(reloaded.senderLabel(FROM), undefined, 'the newest label counts as the newest after a reload');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('through the router: on a fresh install the remembered sender is answered by the learner first, offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aios-memory-router-'));
  try {
    const state = new StateDir(dir);
    const store = new LearnerStore(state);
    const config: RouterConfig = {
      threshold: 0.8, cloudEnabled: false, weeklyBudgetUsd: 1, budgetExhausted: 'local', timeoutMs: 1000,
      ollamaModelEasy: 'x', ollamaModelHard: 'x', cloudModel: 'x', maxRetries: 0, learnerMinExamples: 30, language: 'en',
    };
    const router = new Router({ config, ledger: new CostLedger(state), clock: makeClock('UTC', new Date('2026-11-24T10:00:00Z')), log: silentLogger(), module: 'test', learner: store });
    router.learn({ id: 'Mail/offer-1.md', label: 'other', ...offer(1) });
    router.learn({ id: 'Mail/offer-2.md', label: 'other', ...offer(2) });
    const r = await router.classify({ tier: 'easy', labels: [...DEFAULT_CATEGORIES], item: offer(3) });
    assert.ok(r.ok);
    assert.equal(r.value.label, 'other');
    assert.equal(r.provider, 'learner');
    assert.equal(r.lowConfidence, false);
    assert.deepEqual(r.route.map((s) => `${s.provider}:${s.outcome}`), ['learner:ok']);
    assert.match(r.route[0]!.detail ?? '', /sender memory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
