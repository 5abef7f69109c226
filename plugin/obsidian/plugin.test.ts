// The plugin loaded into the Obsidian test double (test/obsidian/) over a copy of notes captured from
// the demo vault, on real files: its views, keys, modals, status bar, requests and settings tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type * as O from 'obsidian';
import { nodeApp } from '../../test/obsidian/node.ts';
import { notices, selectOption } from '../../test/obsidian/ui.ts';
import { handlerErrors } from '../../test/obsidian/events.ts';
import type { App } from '../../test/obsidian/app.ts';
import { validateFrontmatter } from '../../contract/index.ts';
import AiosPlugin from '../main.ts';
import { localDateTime, nextDay } from '../time.ts';

const FIXTURE = new URL('../../test/fixtures/plugin-vault/', import.meta.url).pathname;
const MANIFEST = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as O.PluginManifest;
const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

function frontmatter(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  return parse(/^---\n([\s\S]*?)\n---/.exec(text)![1]) as Record<string, unknown>;
}

function bodyOf(path: string): string {
  return readFileSync(path, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
}

async function start(): Promise<{ dir: string; app: App; plugin: AiosPlugin }> {
  const dir = mkdtempSync(join(tmpdir(), 'aios-plugin-'));
  if (typeof document !== 'undefined') document.body.empty(); // one DOM per process: each test starts on a blank page
  cpSync(FIXTURE, dir, { recursive: true });
  const app = nodeApp(dir);
  const plugin = (await app.start(AiosPlugin, MANIFEST)) as unknown as AiosPlugin;
  await sleep(150); // the store's debounce
  return { dir, app, plugin };
}

function key(el: Element, k: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
}

const queueFiles = (dir: string) => readdirSync(join(dir, 'Queue')).map((f) => join(dir, 'Queue', f));

test('the decision queue answers one item and defers another by keyboard, changing only the owner\'s keys', async () => {
  const { dir, app, plugin } = await start();
  const before = new Map(queueFiles(dir).map((f) => [f, { fm: frontmatter(f), body: bodyOf(f) }]));
  assert.ok(app.executeCommandById('aios:open-decision-queue'));
  await sleep(50);
  const view = document.querySelector('.aios-queue')!;
  const titles = [...view.querySelectorAll('.aios-queue-title')].map((e) => e.textContent);
  assert.equal(titles.length, 3);
  // Most severe first, then the nearest deadline: the contract notice (high, deadline) leads.
  assert.match(titles[0], /Paper supply/);
  assert.match(view.querySelector('.aios-queue-item.is-selected .aios-queue-title')!.textContent, /Paper supply/);

  // j moves to the second item; Enter opens its options; ArrowDown + Enter picks the second one.
  key(view, 'j');
  assert.match(view.querySelector('.aios-queue-item.is-selected .aios-queue-title')!.textContent, /реквизиты/);
  key(view, 'Enter');
  const input = document.querySelector<HTMLInputElement>('.prompt-input')!;
  assert.ok(input, 'the answer modal is open');
  await sleep(0);
  assert.deepEqual([...document.querySelectorAll('.suggestion-item')].map((e) => e.querySelector('small')!.textContent), ['confirmed', 'fraud']);
  key(input, 'ArrowDown');
  key(input, 'Enter');
  await sleep(150);
  const answered = queueFiles(dir).find((f) => /реквизиты/.test(f))!;
  const a = frontmatter(answered);
  assert.equal(a.status, 'decided');
  assert.equal(a.answer, 'fraud');
  assert.match(String(a.decided_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.ok(validateFrontmatter(a).ok);

  // The answered item left the queue; the selection stays in place, on the item now there (invoice 112).
  const rows = [...document.querySelectorAll('.aios-queue-item')];
  assert.equal(rows.length, 2);
  assert.match(document.querySelector('.aios-queue-item.is-selected .aios-queue-title')!.textContent, /112/);
  key(document.querySelector('.aios-queue')!, 's');
  const date = document.querySelector<HTMLInputElement>('.modal input[type="date"]')!;
  const tomorrow = nextDay(localDateTime(new Date(), 'Europe/Moscow').slice(0, 10));
  assert.equal(date.value, tomorrow);
  key(date, 'Enter');
  await sleep(150);
  const deferred = queueFiles(dir).find((f) => /112/.test(f))!;
  assert.equal(frontmatter(deferred).status, 'deferred');
  assert.equal(frontmatter(deferred).deferred_until, tomorrow);

  // On disk only the owner's keys changed, and no body.
  for (const [f, was] of before) {
    const now = frontmatter(f);
    const changed = [...new Set([...Object.keys(was.fm), ...Object.keys(now)])].filter((k) => JSON.stringify(was.fm[k]) !== JSON.stringify(now[k]));
    const allowed = f === answered ? ['status', 'answer', 'decided_at'] : f === deferred ? ['status', 'deferred_until'] : [];
    assert.deepEqual(changed.sort(), allowed.sort(), f);
    assert.equal(bodyOf(f), was.body, f);
  }
  assert.equal(document.querySelectorAll('.aios-queue-item').length, 1);
  assert.deepEqual(handlerErrors, []);
  plugin.unload();
});

test('a change outside the folders the plugin keeps costs no scan and no refresh; unload leaves nothing behind', async () => {
  const { dir, app, plugin } = await start();
  let scans = 0;
  const original = app.vault.getMarkdownFiles.bind(app.vault);
  app.vault.getMarkdownFiles = () => (scans++, original());
  app.executeCommandById('aios:open-decision-queue');
  await sleep(150);
  const list = document.querySelector('.aios-queue-list')!;
  const mail = join(dir, 'Mail', readdirSync(join(dir, 'Mail'))[0]);
  writeFileSync(mail, readFileSync(mail, 'utf8').replace(/^category:.*$/m, 'category: invoice'));
  await app.vault.sync();
  await sleep(150);
  assert.equal(document.querySelector('.aios-queue-list'), list, 'the queue was not re-rendered');
  // A queue note changed by the companion is shown after the debounce.
  const q = queueFiles(dir).find((f) => /112/.test(f))!;
  writeFileSync(q, readFileSync(q, 'utf8').replace('status: open', 'status: resolved'));
  await app.vault.sync();
  await sleep(150);
  assert.equal(document.querySelectorAll('.aios-queue-item').length, 2);
  assert.equal(scans, 0, 'no whole-vault listing');

  plugin.unload();
  assert.equal(app.metadataCache.listenerCount('changed'), 0);
  assert.equal(app.vault.listenerCount('delete'), 0);
  assert.equal(app.commands.size, 0);
  assert.equal(app.workspace.getLeavesOfType('aios-decision-queue').length, 0);
  assert.equal(document.querySelector('.plugin-aios'), null, 'status bar item removed');
});

test('the status bar says plainly whether the companion runs, from the lease heartbeat', async () => {
  const { dir, app, plugin } = await start();
  const bar = () => document.querySelector<HTMLElement>('.plugin-aios')!;
  assert.match(bar().textContent, /companion not running/);
  assert.match(bar().getAttribute('aria-label')!, /never run on this vault.*aios run/);
  const lease = (heartbeat: string, extra = '') =>
    writeFileSync(join(dir, 'AIOS', 'Companion lease.md'), `---\naios_kind: lease\nhost: office-mac\npid: 4242\nstarted: "${heartbeat}"\nheartbeat: "${heartbeat}"\nttl_seconds: 60\n${extra}---\n# Companion lease\n`);
  const now = localDateTime(new Date(), 'Europe/Moscow');
  lease(now);
  await app.vault.sync();
  await sleep(150);
  assert.equal(bar().textContent, 'AIOS: 3 open');
  assert.match(bar().getAttribute('aria-label')!, /running on office-mac/);
  // A heartbeat older than the lease's TTL: the holder is gone.
  lease(localDateTime(new Date(Date.now() - 61_000), 'Europe/Moscow'));
  await app.vault.sync();
  await sleep(150);
  assert.match(bar().textContent, /companion not running/);
  assert.match(bar().getAttribute('aria-label')!, /not running \(last heartbeat .* on office-mac\)\. Start it with "aios run"/);
  plugin.unload();
});

test('a request from the palette is a valid request note, and its answer is shown when the companion writes it', async () => {
  const { dir, app, plugin } = await start();
  notices.length = 0;
  assert.ok(app.availableCommands().some((c) => c.name === 'AIOS: Sync mail now'));
  assert.ok(app.executeCommandById('aios:sync-mail-now'));
  await sleep(50);
  const files = readdirSync(join(dir, 'AIOS', 'Requests'));
  assert.equal(files.length, 1);
  const path = join(dir, 'AIOS', 'Requests', files[0]);
  const fm = frontmatter(path);
  assert.ok(validateFrontmatter(fm).ok, JSON.stringify(validateFrontmatter(fm)));
  assert.equal(fm.action, 'sync_mail');
  assert.equal(fm.status, 'open');
  assert.match(notices.at(-1)!, /sync mail now.*not running now/);
  // The companion answers in the note.
  writeFileSync(path, readFileSync(path, 'utf8').replace('status: open', 'status: done\nanswered_at: "2026-12-02T10:00:00"\nresult: 3 new mails'));
  await app.vault.sync();
  await sleep(150);
  assert.equal(notices.at(-1), 'Sync mail now: done. 3 new mails');
  plugin.unload();
});

test('the settings tab: typed controls by group, search, written on leaving the field, invalid input shown and not written', async () => {
  const { dir, app, plugin } = await start();
  const settingsPath = join(dir, 'AIOS', 'Settings.md');
  const modal = app.openSettings(app.settingTabs[0]);
  const row = (k: string) => document.querySelector<HTMLElement>(`.setting-item[data-key="${k}"]`)!;
  assert.ok(document.querySelectorAll('.setting-item-heading').length >= 8);
  assert.equal(row('cloud_enabled').querySelector('.checkbox-container')?.classList.contains('is-enabled'), true);
  assert.ok(row('language').querySelector('select'));
  assert.equal(row('weekly_budget_usd').querySelector('input')!.type, 'number');

  const budget = row('weekly_budget_usd').querySelector('input')!;
  budget.value = '-1';
  budget.dispatchEvent(new Event('blur'));
  await sleep(50);
  assert.match(row('weekly_budget_usd').querySelector('.aios-setting-error')!.textContent, /0|min|greater/i);
  assert.equal(frontmatter(settingsPath).weekly_budget_usd, 0.25);
  budget.value = '0.5';
  budget.dispatchEvent(new Event('blur'));
  await sleep(50);
  assert.equal(row('weekly_budget_usd').querySelector('.aios-setting-error')!.textContent, '');
  assert.equal(frontmatter(settingsPath).weekly_budget_usd, 0.5);

  (row('cloud_enabled').querySelector('.checkbox-container') as HTMLElement).dispatchEvent(new Event('click'));
  await sleep(50);
  assert.equal(frontmatter(settingsPath).cloud_enabled, false);
  const lang = row('language').querySelector('select')!;
  selectOption(lang, 'ru');
  lang.dispatchEvent(new Event('change'));
  await sleep(50);
  assert.equal(frontmatter(settingsPath).language, 'ru');
  // The owner's other keys and the body are kept.
  assert.equal(frontmatter(settingsPath).mail_own_addresses, 'anna@kestrel-print.example');
  assert.match(bodyOf(settingsPath), /^# Settings/);

  const search = document.querySelector<HTMLInputElement>('.aios-settings input[type="search"]')!;
  search.value = 'budget';
  search.dispatchEvent(new Event('input'));
  const keys = [...document.querySelectorAll('.aios-settings-list .setting-item[data-key]')].map((e) => e.getAttribute('data-key'));
  assert.deepEqual(keys.sort(), ['budget_exhausted', 'triage_context_tokens', 'weekly_budget_usd']); // by key, name or description
  modal.close();
  plugin.unload();
  assert.ok(existsSync(settingsPath));
});
