// The built main.js in headless Chromium, loaded by the Obsidian test double against the demo vault on
// disk, driven by keyboard and mouse as the owner would; the companion runs beside it for real.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { pluginBuild } from '../../esbuild.config.mjs';
import { serveVault, type Served } from '../obsidian/server.ts';
import { ARTIFACTS, launchChromium } from '../support/chromium.ts';
import { CLI, ROOT, aiosOk, demo, filesUnder, notesIn, offlineEnv, readBody, readFm, type Dirs } from '../runtime/helpers.ts';

let d: Dirs;
let served: Served;
let browser: Browser;
let page: Page;
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `chromium-${name}.png`) });

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function palette(command: string): Promise<void> {
  await page.keyboard.press('Control+p');
  await page.waitForSelector('.prompt-input');
  await page.keyboard.type(command);
  await page.waitForFunction((c) => document.querySelector('.suggestion-item.is-selected')?.textContent?.toLowerCase().includes(c.toLowerCase()), command);
  await page.keyboard.press('Enter');
}

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'aios-chromium-'));
  d = await demo(root);
  const mainJs = join(root, 'main.js');
  await build({ ...pluginBuild, outfile: mainJs, minify: true, logLevel: 'silent' });
  served = await serveVault(d.vault, { mainJs, manifest: join(ROOT, 'manifest.json'), styles: join(ROOT, 'styles.css') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(served.url);
  await page.waitForFunction(() => {
    const a = (window as unknown as { aios?: { ready?: boolean; error?: string } }).aios;
    return a?.ready || a?.error;
  });
  const error = await page.evaluate(() => (window as unknown as { aios: { error?: string } }).aios.error);
  assert.equal(error, undefined, error);
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  await served?.close();
});

test('the decision view answers an item and defers another by keyboard and mouse; only those keys change; the companion\'s next run makes no conflict copy', { timeout: 120_000 }, async () => {
  const queue = notesIn(d.vault, 'Queue');
  const before = new Map(queue.map((p) => [p, { fm: readFm(d.vault, p), body: readBody(d.vault, p) }]));
  await palette('decision queue');
  await page.waitForSelector('.aios-queue-item');
  const paths = await page.$$eval('.aios-queue-item', (els) => els.map((e) => e.getAttribute('data-path')!));
  assert.ok(paths.length >= 3, `queue shows ${paths.length} items`);
  assert.deepEqual([...paths].sort(), queue.filter((p) => before.get(p)!.fm.status === 'open').sort());
  await shot('1-queue');

  // The mouse selects the second item; Enter opens its options; Enter takes the first.
  await page.click(`.aios-queue-item[data-path="${paths[1]}"] .aios-queue-why`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.prompt .suggestion-item.is-selected');
  await shot('2-answer');
  const firstOption = String((before.get(paths[1]!)!.fm.option_ids as string[])[0]);
  await page.keyboard.press('Enter');
  await until('the answer on disk', () => readFm(d.vault, paths[1]!).status === 'decided');

  // The answered item left the view; the selection is now on the next one: s, then Enter defers it to tomorrow.
  await page.waitForFunction((p) => !document.querySelector(`.aios-queue-item[data-path="${p}"]`), paths[1]);
  await page.keyboard.press('s');
  await page.waitForSelector('.modal input[type="date"]');
  await shot('3-defer');
  const until_ = await page.$eval('.modal input[type="date"]', (e) => (e as HTMLInputElement).value);
  await page.keyboard.press('Enter');
  await until('the deferral on disk', () => readFm(d.vault, paths[2]!).status === 'deferred');
  await shot('4-after');

  const answered = readFm(d.vault, paths[1]!);
  assert.equal(answered.answer, firstOption);
  assert.equal(readFm(d.vault, paths[2]!).deferred_until, until_);
  for (const [p, was] of before) {
    const now = readFm(d.vault, p);
    const changed = [...new Set([...Object.keys(was.fm), ...Object.keys(now)])].filter((k) => JSON.stringify(was.fm[k]) !== JSON.stringify(now[k])).sort();
    const allowed = p === paths[1] ? ['answer', 'decided_at', 'status'] : p === paths[2] ? ['deferred_until', 'status'] : [];
    assert.deepEqual(changed, allowed, p);
    assert.equal(readBody(d.vault, p), was.body, p);
  }

  // The companion acts on the answer; the plugin's re-serialised frontmatter is no conflict.
  await aiosOk(d, 'all');
  const copies = filesUnder(d.vault, '.').filter((p) => p.endsWith('.md') && /^aios_conflict_of:/m.test(readFileSync(join(d.vault, p), 'utf8')));
  assert.deepEqual(copies, []);
  const acted = readFm(d.vault, paths[1]!);
  assert.ok(acted.resolved_at, 'the answer was acted on');
  assert.equal(readFm(d.vault, paths[2]!).status, 'deferred');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { aios: { handlerErrors: unknown[] } }).aios.handlerErrors.length), 0);
});

function startCompanion(): { proc: ChildProcess; out: () => string } {
  const proc = spawn(process.execPath, [CLI, 'run', '--vault', d.vault, '--state-dir', d.state], { env: { ...offlineEnv(d), AIOS_LEASE_TTL_SECONDS: '30' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { proc, out: () => out };
}

const statusBar = () => page.$eval('.status-bar-item.plugin-aios', (e) => `${e.textContent} | ${e.getAttribute('aria-label')}`);

test('a request written from the plugin is answered by a running aios run; with the companion stopped the plugin says so within its heartbeat window', { timeout: 180_000 }, async () => {
  // A request nobody picked up for two hours expires instead of running late.
  mkdirSync(join(d.vault, 'AIOS', 'Requests'), { recursive: true });
  const stale = join(d.vault, 'AIOS', 'Requests', 'stale reconcile.md');
  writeFileSync(stale, '---\naios_kind: request\naction: reconcile\nrequested_at: "2026-01-05T08:00:00"\nstatus: open\n---\n');

  const c = startCompanion();
  try {
    await page.waitForFunction(() => !document.querySelector('.status-bar-item.plugin-aios')?.textContent?.includes('not running'), undefined, { timeout: 60_000 });
    assert.match(await statusBar(), /Companion running on /);
    await palette('make the digest now');
    await page.waitForFunction(() => (window as unknown as { aios: { notices: string[] } }).aios.notices.some((n) => n.startsWith('Make the digest now: done')), undefined, { timeout: 60_000 });
    await shot('5-request-answered');
    const requests = notesIn(d.vault, 'AIOS/Requests').map((p) => ({ p, fm: readFm(d.vault, p) }));
    const digest = requests.find((r) => r.fm.action === 'digest')!;
    assert.equal(digest.fm.status, 'done');
    assert.match(String(digest.fm.answered_at), /^\d{4}-\d\d-\d\dT/);
    assert.match(String(digest.fm.result), /digest/i);
    assert.equal(readFm(d.vault, 'AIOS/Requests/stale reconcile.md').status, 'expired');
  } finally {
    c.proc.kill('SIGTERM');
    await new Promise((r) => c.proc.once('close', r));
  }
  // A clean stop marks the lease: the plugin says so at its next look.
  await page.waitForFunction(() => document.querySelector('.status-bar-item.plugin-aios')?.textContent?.includes('companion not running'), undefined, { timeout: 10_000 });
  assert.match(await statusBar(), /not running \(last heartbeat .*\)\. Start it with "aios run"/);

  // Killed without a word: the heartbeat ages past the lease's 30 s and the plugin says so.
  const k = startCompanion();
  await page.waitForFunction(() => !document.querySelector('.status-bar-item.plugin-aios')?.textContent?.includes('not running'), undefined, { timeout: 60_000 });
  k.proc.kill('SIGKILL');
  const killedAt = Date.now();
  await page.waitForFunction(() => document.querySelector('.status-bar-item.plugin-aios')?.textContent?.includes('companion not running'), undefined, { timeout: 45_000 });
  assert.ok(Date.now() - killedAt <= 30_000 + 5_000 + 2_000, 'within the TTL and the status bar\'s 5 s look');
  await shot('6-companion-down');
});

