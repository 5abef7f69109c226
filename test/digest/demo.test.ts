// The demo's digest (`npm start` builds it): today's note with its five sections in order, in the demo
// business's Russian with money by Intl (no-break spaces), the decisions the demo implies, the cash and its
// parts, the mail counts, the Bumaga Opt notice day; the owner's section survives a remake; the same
// demo in English is one flag away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlineEnv } from '../runtime/helpers.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, DEMO_NOW } from '../../companion/cli/demo.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import { runJobs } from '../../companion/core/once.ts';
import { JOBS, MODELS } from '../../companion/modules.ts';
import { summaryFits } from '../../companion/digest/index.ts';

const NBSP = '\u00a0';
const ru = (s: string) => s.replace(/ /g, NBSP);

const sections = (body: string) => [...body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

test('the demo digest in Russian: five sections, exact figures, the owner\'s section kept on a remake', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-digest-demo-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  const stateDir = join(base, 'state');
  const s = await buildDemo(vault, stateDir);
  assert.ok(s.records.every((r) => r.status !== 'failed'), JSON.stringify(s.records));
  const path = join(vault, 'Digests/2026-11-26 Digest.md');
  const note = readFileSync(path, 'utf8');
  const body = note.slice(note.indexOf('\n---\n', 4) + 5);

  assert.deepEqual(sections(body), ['Нужны вы', 'Деньги', 'Почта', 'Договоры и платежи', 'За ночь', 'Мои заметки']);
  assert.match(body, /^# Сводка на 26\.11\.2026$/m);
  // Needs you: the queue's top three (the tax office's passed deadline, the notice day, the claim), the rest counted.
  const needs = body.slice(body.indexOf('## Нужны вы'), body.indexOf('## Деньги'));
  assert.match(needs, /^1\. \[\[Queue\/[^|]+\|ИФНС России № 14 по г\. Москве назначил срок: 2026-11-25\]\].* Срок: 25\.11\.2026\.$/m);
  assert.match(needs, /^2\. \[\[Queue\/[^|]+\|Последний день для уведомления по договору Paper supply agreement \(Bumaga Opt\): 2026-12-01\]\].* Срок: 01\.12\.2026\.$/m);
  assert.match(needs, /^3\. \[\[Queue\/[^|]+\|Претензия от Greenleaf Cafe\]\]/m);
  assert.ok(needs.includes('Ещё 5 — в [[AIOS/Views/Decision queue.base|очереди решений]].'), needs);
  // Cash: the total and its parts, the euro at its rate.
  assert.ok(body.includes(`| 40702810400000012345 (СберБизнес) | ${ru('829 910,00 ₽')} | -${ru('2 490,00 ₽')} | 25.11.2026 |`), body);
  assert.ok(body.includes(`| DE89370400440532013000 (COBADEFFXXX) | ${ru('24 437,50 €')} | -${ru('12,50 €')} | 25.11.2026 |`), body);
  assert.ok(body.includes(`Итого: **${ru('3 234 560,00 ₽')}**, EUR по 98,40 (25.11.2026).`), body);
  // Inbox: the counts by category over the week before the first digest, and the replies waiting.
  assert.ok(body.includes('С 19.11.2026 писем: 15. По категориям: other 4, invoice 3, client_request 2, newsletter 2, notification 2, claim 1, contract 1.'), body);
  assert.ok(body.includes('Ждут ответа: 10, сначала самые старые:'), body);
  // Contracts and money due: the Bumaga Opt notice day, the overdue invoices both ways.
  assert.ok(body.includes('- 01.12.2026 [[Contracts/Bumaga Opt - Paper supply agreement|Paper supply agreement (Bumaga Opt)]]: последний день для уведомления'), body);
  assert.ok(body.includes(`- 21.11.2026 [[Finance/Invoices/2026/2026-11-11 Out 1119 Greenleaf Cafe 6dcb51|1119]]: платят нам, ${ru('31 500,00 ₽')}`), body);
  assert.ok(body.includes(`- 12.11.2026 [[Finance/Invoices/2026/2026-11-02 In 112 Bumaga Opt 4ab7e9|112]]: платим мы, ${ru('86 400,00 ₽')}`), body);
  // Overnight: what ran, the source down, autonomy and the models' week.
  assert.match(body, /^Выполнено: answers \(нечего делать\), mail \(готово\), .*risk \(готово\).*costs \(готово\)\.$/m);
  assert.ok(body.includes('Источник недоступен: ollama.'), body);
  assert.match(body, /^Автономность: 2,6 ч работы сделано за вас; вопросов к вам: 8\.$/m);
  assert.ok(body.includes('Модели за неделю (2026-W48): $0,00, локально 100% из '), body);

  // The owner writes under their heading; made again the same day, it stays and the rest is brought up to date.
  writeFileSync(path, `${note.trimEnd()}\nПозвонить Игорю до обеда.\n`);
  // The demo business's own language: none set.
  const env = { ...offlineEnv({ vault, state: stateDir }), AIOS_TIMEZONE: 'Europe/Moscow', AIOS_LANGUAGE: '' };
  const rt = new Runtime({ vaultRoot: vault, stateDir, now: new Date(DEMO_NOW.getTime() + 3600_000), models: MODELS, env, logToFile: false });
  const r = await runJobs(rt, JOBS.filter((j) => j.name === 'digest'), { sweepImports: false });
  assert.equal(r[0]!.status, 'ok', r[0]!.summary);
  const again = readFileSync(path, 'utf8');
  assert.match(again, /^generated: "2026-11-26T07:00:00"$/m);
  assert.ok(again.trimEnd().endsWith('Позвонить Игорю до обеда.'), again.slice(-300));
  assert.equal(rt.index.byKind('digest').length, 1);
});

test('the same demo in English is one flag away', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'aios-digest-demo-en-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'demo-vault');
  await buildDemo(vault, join(base, 'state'), 'en');
  const body = readFileSync(join(vault, 'Digests/2026-11-26 Digest.md'), 'utf8');
  assert.deepEqual(sections(body), ['Needs you', 'Cash', 'Inbox', 'Contracts and money due', 'Overnight', 'My notes']);
  assert.ok(body.includes('Total: **RUB\u00a03,234,560.00**, EUR at 98.40 (25 Nov 2026).'), body);
  assert.ok(body.includes('| 40702810400000012345 (СберБизнес) | RUB\u00a0829,910.00 |'), body);
});

test('a summary with a number or a name the template lacks is dropped', () => {
  const template = 'Total: 3 234 560,00 ₽. Claim from Greenleaf Cafe. 8 open.';
  assert.ok(summaryFits('Cash is 3 234 560,00 ₽ and Greenleaf Cafe has a claim; 8 questions are open.', template));
  assert.ok(!summaryFits('Cash is 3 500 000 ₽.', template));
  assert.ok(!summaryFits('A claim from Nordlicht waits.', template));
});
