// Reference extraction scored on every real payment purpose of the statement fixtures and the demo,
// hand-labelled before the extractor was written (test/fixtures/reconcile/purposes.jsonl and its README),
// and the spellings the issue names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referencesIn, type DocRef } from '../../companion/reconcile/match/references.ts';

interface Labelled { source: string; text: string; refs: DocRef[]; seen: number }

const FILE = join(import.meta.dirname, '../fixtures/reconcile/purposes.jsonl');
const purposes: Labelled[] = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Labelled);

const key = (r: DocRef) => `${r.kind}:${r.number.toUpperCase().replace(/\s+/g, '')}`;

test('references in the real payment purposes: precision and recall against the hand labels', () => {
  let truePos = 0, found = 0, labelled = 0, datesRight = 0, datesLabelled = 0;
  const misses: string[] = [];
  for (const p of purposes) {
    const got = referencesIn(p.text);
    const want = new Map(p.refs.map((r) => [key(r), r]));
    const gotKeys = new Set(got.map(key));
    found += gotKeys.size;
    labelled += want.size;
    for (const k of gotKeys) if (want.has(k)) truePos++; else misses.push(`extra ${k} in "${p.text}"`);
    for (const [k, r] of want) {
      if (!gotKeys.has(k)) misses.push(`missed ${k} in "${p.text}"`);
      if (r.date) {
        datesLabelled++;
        if (got.some((g) => key(g) === k && g.date === r.date)) datesRight++;
      }
    }
  }
  const precision = found ? truePos / found : 1;
  const recall = labelled ? truePos / labelled : 1;
  console.log(`references: ${purposes.length} purposes, ${labelled} labelled references, ${found} found, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, dates ${datesRight}/${datesLabelled}`);
  for (const m of misses) console.log(`  ${m}`);
  assert.ok(precision >= 0.95, `precision ${precision.toFixed(3)} < 0.95`);
  assert.ok(recall >= 0.9, `recall ${recall.toFixed(3)} < 0.90`);
  assert.equal(datesRight, datesLabelled, 'every labelled date read');
});

test('the spellings the issue names', () => {
  const cases: [string, DocRef[]][] = [
    ['Оплата по счету № 112 от 05.11.2026', [{ kind: 'invoice', number: '112', date: '2026-11-05' }]],
    ['счет № 112 от 05.11.2026', [{ kind: 'invoice', number: '112', date: '2026-11-05' }]],
    ['Оплата по сч. 112', [{ kind: 'invoice', number: '112' }]],
    ['оплата сч.112 за бумагу', [{ kind: 'invoice', number: '112' }]],
    ['Оплата по счёт-фактуре № 77 от 01.12.2026', [{ kind: 'invoice', number: '77', date: '2026-12-01' }]],
    ['Оплата по УПД № 45', [{ kind: 'act', number: '45' }]],
    ['Оплата по акту № 9 от 30.11.2026', [{ kind: 'act', number: '9', date: '2026-11-30' }]],
    ['Оплата по договору П-17/2024', [{ kind: 'contract', number: 'П-17/2024' }]],
    ['Оплата по дог. 15 от 01.02.2025', [{ kind: 'contract', number: '15', date: '2025-02-01' }]],
    ['Оплата по счету 112, в т.ч. НДС 20% 14400.00', [{ kind: 'invoice', number: '112' }]],
    ['в т.ч. НДС 20% 14400.00', []],
    ['Оплата по заказу № 3321', [{ kind: 'order', number: '3321' }]],
    ['INV-112', [{ kind: 'invoice', number: 'INV-112' }]],
    ['Payment for Invoice 112', [{ kind: 'invoice', number: '112' }]],
    ['inv no. 112', [{ kind: 'invoice', number: '112' }]],
    ['ref 112', [{ kind: 'other', number: '112' }]],
    ['Rechnung 112', [{ kind: 'invoice', number: '112' }]],
    ['RE 2026-17', [{ kind: 'invoice', number: '2026-17' }]],
    ['Rechnungsnr. 2026-0412 vom 03.11.2026', [{ kind: 'invoice', number: '2026-0412', date: '2026-11-03' }]],
    ['Оплата по счетам № 112, 115 и 118', [{ kind: 'invoice', number: '112' }, { kind: 'invoice', number: '115' }, { kind: 'invoice', number: '118' }]],
    ['Invoices 112, 115', [{ kind: 'invoice', number: '112' }, { kind: 'invoice', number: '115' }]],
    ['Арендная плата за ноябрь 2026', []],
    ['Оплата по договору', []],
  ];
  for (const [text, want] of cases) assert.deepEqual(referencesIn(text), want, text);
});
