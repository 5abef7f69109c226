// The plugin's pure parts: settings grouped and read back, the companion's liveness, the note store,
// request notes; no Obsidian needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, SETTING_GROUPS, validateFrontmatter, type SettingKey } from '../contract/index.ts';
import { parseInput, settingGroups } from './settings-model.ts';
import { companionState } from './companion-state.ts';
import { NoteStore } from './note-store.ts';
import { newRequest } from './requests-model.ts';
import { localDateTime, nextDay } from './time.ts';

test('settings: every key in exactly one group, in the table\'s order; search by key, name or description', () => {
  const all = settingGroups().flatMap((g) => g.rows.map((r) => r.key));
  assert.deepEqual([...all].sort(), Object.keys(SETTINGS).sort());
  assert.deepEqual(settingGroups().map((g) => g.group), SETTING_GROUPS.filter((g) => settingGroups().some((x) => x.group === g)));
  assert.deepEqual(settingGroups('ollama host').flatMap((g) => g.rows.map((r) => r.key)), ['ollama_host']);
  assert.deepEqual(settingGroups('zzz-nothing'), []);
});

test('settings: typed input read back as the companion reads it, or the reason beside the field', () => {
  assert.deepEqual(parseInput('weekly_budget_usd', '0.5'), { ok: true, value: 0.5 });
  assert.equal(parseInput('weekly_budget_usd', '-1').ok, false);
  assert.deepEqual(parseInput('cloud_enabled', false), { ok: true, value: false });
  assert.deepEqual(parseInput('schedule_digest', ''), { ok: true, value: undefined });
  const cron = parseInput('schedule_digest', '61 6 * * *');
  assert.equal(cron.ok, false);
  assert.doesNotMatch(!cron.ok ? cron.error : '', /^setting /);
  assert.equal(parseInput('timezone', 'Mars/Olympus').ok, false);
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec = SETTINGS[key];
    if (spec.control === 'choice') for (const c of spec.choices ?? []) assert.equal(parseInput(key, c).ok, true, `${key}=${c}`);
    assert.equal(parseInput(key, typeof spec.default === 'boolean' ? spec.default : String(spec.default)).ok, true, `${key} default`);
  }
});

test('liveness: running within the lease TTL, stopped after it or when the lease says so, absent without one', () => {
  const lease = { host: 'office', heartbeat: '2026-12-02T10:00:00', ttl_seconds: 60 };
  assert.equal(companionState(lease, '2026-12-02T10:01:00').state, 'running');
  assert.equal(companionState(lease, '2026-12-02T10:01:01').state, 'stopped');
  assert.equal(companionState({ ...lease, stopped: '2026-12-02T10:00:05' }, '2026-12-02T10:00:06').state, 'stopped');
  // Started again after a clean stop: the new heartbeat is later than the old `stopped`.
  assert.equal(companionState({ ...lease, heartbeat: '2026-12-02T11:00:00', stopped: '2026-12-02T10:00:05' }, '2026-12-02T11:00:10').state, 'running');
  assert.equal(companionState(undefined, '2026-12-02T10:00:00').state, 'absent');
  assert.equal(companionState({ host: 'x', heartbeat: 'garbage' }, '2026-12-02T10:00:00').state, 'stopped');
});

test('the note store keeps only watched folders and notes, by path', () => {
  const s = new NoteStore();
  s.watch(['Queue', 'AIOS/Requests/'], ['AIOS/Companion lease.md']);
  assert.equal(s.set('Queue/a.md', { x: 1 }), true);
  assert.equal(s.set('Queue2/a.md', { x: 1 }), false);
  assert.equal(s.set('Mail/a.md', { x: 1 }), false);
  assert.equal(s.set('AIOS/Companion lease.md', { host: 'h' }), true);
  assert.equal(s.set('AIOS/Settings.md', {}), false);
  assert.deepEqual(s.inFolder('Queue').map((n) => n.path), ['Queue/a.md']);
  assert.equal(s.set('Queue/a.md', undefined), true, 'a note without frontmatter leaves the store');
  s.set('Queue/b.md', {});
  s.watch(['Elsewhere'], []);
  assert.equal(s.size, 0, 'notes of folders no longer watched are dropped');
});

test('a request note is a valid request of the contract, at its path', () => {
  const { path, frontmatter } = newRequest('reconcile', '2026-12-02T10:15:00', { period: '2026-11' });
  assert.equal(path, 'AIOS/Requests/2026-12-02 10-15-00 reconcile.md');
  assert.ok(validateFrontmatter(frontmatter).ok);
  assert.equal(newRequest('digest', '2026-12-02T10:15:00', {}, (k) => (k === 'folder_requests' ? 'Inbox/Asks' : '')).path, 'Inbox/Asks/2026-12-02 10-15-00 digest.md');
});

test('local datetimes in a zone, and the next day across month and year ends', () => {
  assert.equal(localDateTime(new Date('2026-12-31T21:30:00Z'), 'Europe/Moscow'), '2027-01-01T00:30:00');
  assert.equal(nextDay('2026-12-31'), '2027-01-01');
  assert.equal(nextDay('2028-02-28'), '2028-02-29');
});
