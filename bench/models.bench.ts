// Models benchmark: the built-in learner's 5-fold cross-validated accuracy on the labelled set
// (target >= 85%, >= 95% on the answers it keeps local), how much it keeps local, accuracy without the
// sender features (how much the words alone carry), and classification speed on one core
// (target >= 2,000 mails/s).
import { groupFolds, loadLabelledMail, type LabelledMail } from '../test/models/labelled.ts';
import { MailLearner } from '../companion/models/providers/learner.ts';
import { SETTINGS } from '../contract/settings.ts';

const threshold = Number(SETTINGS.router_confidence_threshold.default);
const mails = await loadLabelledMail();
const folds = groupFolds(mails, 5);

function crossValidate(strip: (m: LabelledMail) => LabelledMail) {
  let right = 0, kept = 0, keptRight = 0;
  for (const fold of folds) {
    const held = new Set(fold);
    const l = new MailLearner();
    mails.forEach((m, i) => {
      if (!held.has(i)) {
        const s = strip(m);
        l.learn(s.id, { label: s.category, subject: s.subject, body: s.body, from: s.from, list: s.list });
      }
    });
    l.recalibrate(true);
    for (const i of fold) {
      const m = strip(mails[i]!);
      const p = l.predict(m)!;
      if (p.label === m.category) right++;
      if (p.confidence >= threshold) {
        kept++;
        if (p.label === m.category) keptRight++;
      }
    }
  }
  return { accuracy: right / mails.length, kept: kept / mails.length, keptAccuracy: keptRight / kept };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'ok' : 'BELOW TARGET');
const full = crossValidate((m) => m);
const wordsOnly = crossValidate((m) => ({ ...m, from: '', list: false }));
console.log(`labelled set: ${mails.length} mails (${mails.filter((m) => m.lang === 'ru').length} ru, ${mails.filter((m) => m.lang !== 'ru').length} en/real), 5 folds, groups kept together, threshold ${threshold}`);
console.log(`learner accuracy on held-back folds   ${pct(full.accuracy).padStart(6)}   target >= 85.0%   ${mark(full.accuracy >= 0.85)}`);
console.log(`accuracy of answers kept local        ${pct(full.keptAccuracy).padStart(6)}   target >= 95.0%   ${mark(full.keptAccuracy >= 0.95)}`);
console.log(`share of answers kept local           ${pct(full.kept).padStart(6)}   (the rest escalate to Ollama/cloud)`);
console.log(`accuracy without sender features      ${pct(wordsOnly.accuracy).padStart(6)}   (words alone; for reference)`);

// Speed: train on everything, classify the set repeatedly on this one thread.
const learner = new MailLearner();
for (const m of mails) learner.learn(m.id, { label: m.category, subject: m.subject, body: m.body, from: m.from, list: m.list });
learner.recalibrate(true);
for (let i = 0; i < 200; i++) learner.predict(mails[i % mails.length]!); // warm-up
const n = 20_000;
const t0 = performance.now();
for (let i = 0; i < n; i++) learner.predict(mails[i % mails.length]!);
const perSecond = n / ((performance.now() - t0) / 1000);
console.log(`classification speed, one core        ${Math.round(perSecond).toString().padStart(6)}/s  target >= 2,000/s  ${mark(perSecond >= 2000)}`);
const t1 = performance.now();
const retrain = new MailLearner();
for (const m of mails) retrain.learn(m.id, { label: m.category, subject: m.subject, body: m.body, from: m.from, list: m.list });
retrain.recalibrate(true);
console.log(`full retrain with calibration         ${(performance.now() - t1).toFixed(0).padStart(6)} ms for ${mails.length} mails`);
