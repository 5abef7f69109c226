// The message catalogues: every key in both languages, and money and dates as Intl writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from './en.ts';
import { ru } from './ru.ts';
import { catalogue } from './index.ts';
import { formatAmount, formatDay, formatNumber } from './format.ts';

test('every key of the English catalogue is in the Russian one and the other way round, each a function', () => {
  assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(ru)) assert.equal(typeof v, 'function', k);
  // An unknown language falls back to English.
  assert.equal(catalogue('de'), en);
  // Headings are translated, not copied.
  for (const k of ['digest.needs_you', 'digest.cash', 'digest.inbox', 'digest.due', 'digest.overnight', 'queue.options'] as const) assert.notEqual(ru[k](), en[k](), k);
});

test('money, numbers and days by Intl: no-break spaces and the symbol in Russian, the ISO code in English', () => {
  const NBSP = '\u00a0';
  assert.equal(formatAmount('ru', 3234560, 'RUB'), `3${NBSP}234${NBSP}560,00${NBSP}₽`);
  assert.equal(formatAmount('ru', 24437.5, 'EUR'), `24${NBSP}437,50${NBSP}€`);
  assert.equal(formatAmount('en', 3234560, 'RUB'), `RUB${NBSP}3,234,560.00`);
  assert.equal(formatAmount('en', -12.5, 'EUR'), `-EUR${NBSP}12.50`);
  // Not an ISO currency: the number and the code as given.
  assert.equal(formatAmount('en', 5, 'XYZ1'), '5.00 XYZ1');
  assert.equal(formatNumber('ru', 98.4, 2), '98,40');
  assert.equal(formatDay('ru', '2026-12-01'), '01.12.2026');
  assert.equal(formatDay('en', '2026-12-01'), '1 Dec 2026');
});
