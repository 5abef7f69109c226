import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { KINDS, SETTINGS, SETTING_GROUPS, parseSetting, settingsProblems, validateFrontmatter, notePath, parseMoney, formatMoney, multiplyMoney, roundMoney, moneyFromNumber, parseTables, renderTable, tableRecords, safeFileName, linkTo, linkTarget } from './index.ts';
import { renderContractNote, renderSettingsReference } from '../companion/core/contract-doc.ts';
import { makeTestContext } from '../test/support/context.ts';

test('every kind names a folder setting that exists, and kinds are unique', () => {
  const names = new Set<string>();
  for (const k of KINDS) {
    assert.ok(Object.hasOwn(SETTINGS, k.folderSetting), `${k.kind}: ${k.folderSetting} is not a setting`);
    assert.equal(SETTINGS[k.folderSetting as keyof typeof SETTINGS].default, k.defaultFolder, `${k.kind}: default folder disagrees with its setting`);
    assert.ok(!names.has(k.kind), `duplicate kind ${k.kind}`);
    names.add(k.kind);
    // The companion answers a request in its own keys; it changes no other owner note.
    if (k.owner === 'owner' && k.kind !== 'request') assert.deepEqual(k.otherSideMay, [], `${k.kind}: the companion must not change owner notes`);
  }
});

test('a request is named by when and what was asked, and answers only in its own keys', () => {
  const fm = { action: 'reconcile', requested_at: '2026-11-26T06:05:00', counterparty: '[[Acme]]', period: '2026-Q4', status: 'open' } as const;
  assert.equal(notePath('request', fm), 'AIOS/Requests/2026-11-26 06-05-00 reconcile.md');
  const r = validateFrontmatter({ aios_kind: 'request', action: 'import', requested_at: '2026-11-26T06:05:00', file: 'Import/x.xml' });
  assert.ok(r.ok && r.data.status === 'open');
  assert.equal(validateFrontmatter({ aios_kind: 'request', action: 'pay', requested_at: '2026-11-26T06:05:00' }).ok, false);
  assert.equal(validateFrontmatter({ aios_kind: 'request', action: 'digest', requested_at: '2026-11-26T06:05:00', status: 'later' }).ok, false);
});

test('every setting carries its control and group, and the control agrees with its schema', () => {
  for (const [key, spec] of Object.entries(SETTINGS) as [keyof typeof SETTINGS, (typeof SETTINGS)[keyof typeof SETTINGS]][]) {
    assert.ok((SETTING_GROUPS as readonly string[]).includes(spec.group), `${key}: group ${spec.group}`);
    if (spec.control === 'choice') {
      const accepted = (z.toJSONSchema(spec.schema) as { enum?: string[] }).enum;
      assert.deepEqual(spec.choices, accepted, `${key}: choices disagree with the schema`);
      for (const c of spec.choices ?? []) assert.equal(parseSetting(key, c), c);
      assert.throws(() => parseSetting(key, 'not-a-choice'), new RegExp(`setting ${key}`));
      assert.ok(spec.choices?.includes(spec.default as string), `${key}: the default is not a choice`);
    } else assert.equal(spec.choices, undefined, `${key}: choices on a ${spec.control}`);
    if (spec.control === 'number') {
      assert.equal(typeof spec.min, 'number', `${key}: no min`);
      assert.equal(parseSetting(key, spec.min), spec.min);
      assert.equal(parseSetting(key, String(spec.min)), spec.min, `${key}: a number setting takes its text`);
      assert.throws(() => parseSetting(key, spec.min! - 0.5), new RegExp(`setting ${key}`), `${key} took a value below its min`);
      assert.ok((spec.default as number) >= spec.min!, `${key}: the default is below min`);
    } else assert.equal(spec.min, undefined, `${key}: min on a ${spec.control}`);
    if (spec.control === 'toggle') {
      assert.equal(parseSetting(key, 'true'), true);
      assert.equal(parseSetting(key, 'false'), false);
      assert.equal(parseSetting(key, false), false);
    }
    if (spec.control === 'folder') assert.equal(spec.group, 'folders', key);
    if (spec.control === 'schedule') assert.equal(spec.group, 'schedules', key);
  }
  const of = (key: keyof typeof SETTINGS) => SETTINGS[key];
  assert.equal(of('timezone').control, 'timezone');
  assert.equal(of('base_currency').control, 'currency');
  assert.equal(of('cloud_enabled').group, 'models');
  assert.equal(of('request_expiry_minutes').group, 'requests');
  assert.equal(of('folder_requests').default, 'AIOS/Requests');
});

test('every template note validates against the contract, and the index finds one of each seeded kind', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  assert.deepEqual(tc.index.errors(), []);
  for (const kind of ['business_profile', 'settings', 'counterparty', 'contract', 'process', 'decision_record'] as const) {
    assert.ok(tc.index.byKind(kind).length > 0, `template has no ${kind}`);
  }
});

test('a bad field is named in the validation error', () => {
  const r = validateFrontmatter({ aios_kind: 'contract', title: 'X', counterparty: 'Acme', end: '31.12.2026' });
  assert.equal(r.ok, false);
  const fields = r.ok ? [] : r.errors.map((e) => e.field);
  assert.ok(fields.includes('counterparty'));
  assert.ok(fields.includes('end'));
  // A settings note with a bad key is still a settings note: the key alone is reported.
  assert.equal(validateFrontmatter({ aios_kind: 'settings', weekly_budget: 3 }).ok, true);
  assert.deepEqual(settingsProblems({ aios_kind: 'settings', weekly_budget: 3, weekly_budget_usd: '0,5', cloud_enabled: false }).map((e) => e.field), ['weekly_budget', 'weekly_budget_usd']);
});

test('a decided queue item needs an answer and a deferred one a date', () => {
  const base = { aios_kind: 'decision_item', finding_key: 'k', kind: 'x', title: 'T', created: '2026-11-26T06:00:00', why: 'w', options: ['a'] };
  assert.equal(validateFrontmatter({ ...base, status: 'decided' }).ok, false);
  assert.equal(validateFrontmatter({ ...base, status: 'decided', answer: 'a' }).ok, true);
  assert.equal(validateFrontmatter({ ...base, status: 'deferred' }).ok, false);
  assert.equal(validateFrontmatter({ ...base, status: 'deferred', deferred_until: '2026-12-01' }).ok, true);
});

test('file names from outside stay inside their folder and keep links intact', () => {
  assert.equal(safeFileName('../../etc/passwd'), 'etc passwd');
  assert.equal(safeFileName('.hidden'), 'hidden');
  assert.equal(safeFileName('a[[b]]|c#d^e'), 'a b c d e');
  assert.equal(safeFileName('CON'), '_CON');
  assert.ok(safeFileName('x'.repeat(300) + '.pdf').endsWith('.pdf'));
  assert.ok(safeFileName('x'.repeat(300)).length <= 80);
  const p = notePath('mail_message', { subject: '../../x', from: 'a@b.c', to: [], cc: [], date: '2026-11-12T09:14:00', thread_key: 't', source: 'file', body_hash: 'h', attachments: [], list: false, status: 'new' });
  assert.match(p, /^Mail\/2026\/11\/2026-11-12 0914 x [0-9a-f]{8}\.md$/);
  assert.equal(linkTarget(linkTo('Acme [Ltd]')), 'Acme  Ltd');
});

test('money is exact: parsing bank formats, five decimals, rates and rounding', () => {
  assert.equal(parseMoney('-1 234,56', ','), -123456000n);
  assert.equal(parseMoney('1,234.56'), 123456000n);
  assert.equal(parseMoney('0.00001'), 1n);
  assert.equal(parseMoney('12'), 1200000n);
  assert.equal(parseMoney('(5.10)'), -510000n);
  assert.throws(() => parseMoney('1.234.56'), /not an amount/);
  assert.throws(() => parseMoney('1,23'), /not an amount/);
  assert.throws(() => parseMoney('5.000,00'), /not an amount/);
  assert.equal(parseMoney('5.000,00', ','), 500000000n);
  assert.throws(() => parseMoney('12a'), /not an amount/);
  assert.throws(() => parseMoney(''), /not an amount/);
  assert.throws(() => parseMoney('0.000001'), /decimal places/);
  assert.equal(formatMoney(parseMoney('0.1') + parseMoney('0.2')), '0.30');
  assert.equal(formatMoney(-123456000n), '-1234.56');
  assert.equal(formatMoney(parseMoney('1.00001')), '1.00001');
  assert.equal(multiplyMoney(parseMoney('100'), '98.7654'), parseMoney('9876.54'));
  assert.equal(roundMoney(parseMoney('2.345')), parseMoney('2.35'));
  assert.equal(roundMoney(parseMoney('-2.345')), parseMoney('-2.35'));
  assert.equal(moneyFromNumber(1234.56), 123456000n);
});

test('Markdown tables round-trip, escaping pipes', () => {
  const text = renderTable(['Name', 'Rate %'], [['a|b', '1'], ['c', '2']]);
  const [table] = parseTables(`intro\n\n${text}\nafter`);
  assert.deepEqual(table!.rows, [['a|b', '1'], ['c', '2']]);
  assert.deepEqual(tableRecords(table!), [{ name: 'a|b', rate: '1' }, { name: 'c', rate: '2' }]);
});

test('the "How this vault works" note in the template matches the contract', () => {
  const committed = readFileSync(new URL('../vault-template/AIOS/How this vault works.md', import.meta.url), 'utf8');
  assert.equal(committed, renderContractNote(), 'regenerate it: npx tsx scripts/gen-contract-doc.ts');
});

test('the README configuration reference lists every setting as the contract defines it', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- settings:start -->\n') + '<!-- settings:start -->\n'.length, readme.indexOf('<!-- settings:end -->'));
  assert.equal(section, renderSettingsReference(), 'regenerate it: npx tsx scripts/gen-contract-doc.ts');
});
