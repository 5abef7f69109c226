// One unreadable value in the settings note costs that key only: it falls back to its last good value (or
// the default), a setting that widens what leaves the machine falls back to its safe side, and every
// command names the file, key and value until the owner fixes it. Real notes on disk, real `aios` processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SettingKey } from '../contract/index.ts';
import { initVault } from '../companion/core/init.ts';
import { Runtime } from '../companion/core/runtime.ts';

const BIN = fileURLToPath(new URL('../bin/aios.mjs', import.meta.url));
const NOTE = 'AIOS/Settings.md';

function setup(t: { after(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'aios-settings-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'vault');
  const state = join(base, 'state');
  initVault(vault);
  const env = { AIOS_SECRETS_FILE: join(base, 'no-secrets.json') };
  /** Writes the settings note's front matter (the lines between the `---`), or the whole file when `raw`. */
  const write = (lines: string, raw = false) => writeFileSync(join(vault, NOTE), raw ? lines : `---\naios_kind: settings\n${lines}---\n# Settings\n`);
  const runtime = () => new Runtime({ vaultRoot: vault, stateDir: state, env, logToFile: false });
  // Nothing from the test runner's own environment (an AIOS_* variable) may stand in for the note.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIOS_') && k !== 'OPENAI_BASE_URL' && k !== 'OLLAMA_HOST'));
  const aios = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--vault', vault, '--state-dir', state], { encoding: 'utf8', env: { ...cleanEnv, ...env }, timeout: 120_000 });
  return { vault, state, write, runtime, aios };
}

const pick = (rt: Runtime, keys: SettingKey[]) => Object.fromEntries(keys.map((k) => [k, [rt.settings.get(k), rt.settings.source(k)]]));

test('weekly_budget_usd: 0,5 costs that key only: the cloud stays off, the zone and the currency hold', (t) => {
  const { write, runtime } = setup(t);
  write('timezone: Europe/Berlin\nbase_currency: RUB\ncloud_enabled: false\nweekly_budget_usd: 0,5\n');
  const rt = runtime();
  assert.deepEqual(pick(rt, ['weekly_budget_usd', 'cloud_enabled', 'timezone', 'base_currency']), {
    weekly_budget_usd: [0, 'safe fallback'],
    cloud_enabled: [false, 'settings note'],
    timezone: ['Europe/Berlin', 'settings note'],
    base_currency: ['RUB', 'settings note'],
  });
  assert.equal(rt.clock.timezone, 'Europe/Berlin');
  assert.equal(rt.settings.problems.length, 1, rt.settings.problems.join('\n'));
  assert.match(rt.settings.problems[0]!, /^AIOS\/Settings\.md: weekly_budget_usd: "0,5" .*; using 0 \(safe fallback\) until it is fixed$/);
  assert.deepEqual(rt.index.errors(), [], 'the note itself is read');
});

test('a misspelt boolean never turns the cloud on; every widening key falls back to its safe side', (t) => {
  const { write, runtime } = setup(t);
  // Last good values that would widen: the safe side wins over them.
  write('cloud_enabled: true\nweekly_budget_usd: 5\nbudget_exhausted: local\nrouter_confidence_threshold: 0.9\n');
  runtime();
  write('cloud_enabled: flase\nweekly_budget_usd: -1\nbudget_exhausted: cloud\nrouter_confidence_threshold: high\n');
  const rt = runtime();
  assert.deepEqual(pick(rt, ['cloud_enabled', 'weekly_budget_usd', 'budget_exhausted', 'router_confidence_threshold']), {
    cloud_enabled: [false, 'safe fallback'],
    weekly_budget_usd: [0, 'safe fallback'],
    budget_exhausted: ['ask', 'safe fallback'],
    router_confidence_threshold: [0, 'safe fallback'],
  });
  assert.equal(rt.settings.problems.length, 4);
  assert.ok(rt.settings.problems.some((p) => p.startsWith('AIOS/Settings.md: cloud_enabled: "flase" ')), rt.settings.problems.join('\n'));
  // The provider is unreadable: its default is the public API, so the cloud goes off instead.
  write('cloud_enabled: true\nopenai_base_url:\n  - http://10.0.0.5:8000/v1\n');
  const route = runtime();
  assert.deepEqual(pick(route, ['cloud_enabled']), { cloud_enabled: [false, 'safe fallback'] });
  assert.match(route.settings.problems.join('\n'), /^AIOS\/Settings\.md: cloud_enabled: using false \(safe fallback\) while openai_base_url cannot be read$/m);
  for (const bad of ['off', 'no', '0', 'False!']) {
    write(`cloud_enabled: ${bad}\n`);
    assert.equal(runtime().settings.get('cloud_enabled'), false, `cloud_enabled: ${bad}`);
  }
});

test('a bad value after a good one keeps the last good value, across processes and on reload', (t) => {
  const { write, runtime, state } = setup(t);
  write('timezone: Europe/Berlin\nbase_currency: RUB\nmail_poll_seconds: 120\n');
  assert.equal(runtime().settings.get('mail_poll_seconds'), 120);
  assert.equal(JSON.parse(readFileSync(join(state, 'settings-last-good.json'), 'utf8')).mail_poll_seconds, 120);
  // A new process, the note now wrong in three ways (below the minimum, an unknown zone, no currency code).
  write('timezone: Europe/Berln\nbase_currency: rubles\nmail_poll_seconds: 1\n');
  const rt = runtime();
  assert.deepEqual(pick(rt, ['mail_poll_seconds', 'timezone', 'base_currency']), {
    mail_poll_seconds: [120, 'last good value'],
    timezone: ['Europe/Berlin', 'last good value'],
    base_currency: ['RUB', 'last good value'],
  });
  assert.equal(rt.clock.timezone, 'Europe/Berlin', 'an unknown zone does not stop the companion');
  assert.match(rt.settings.problems.join('\n'), /AIOS\/Settings\.md: timezone: "Europe\/Berln" is not an IANA time zone.*using "Europe\/Berlin" \(last good value\)/);
  // The bad values are never kept as good ones.
  assert.equal(JSON.parse(readFileSync(join(state, 'settings-last-good.json'), 'utf8')).mail_poll_seconds, 120);
  // Fixed while the runtime runs: the new value is used, nothing is reported.
  write('timezone: Europe/Berlin\nbase_currency: RUB\nmail_poll_seconds: 90\n');
  rt.index.noteChanged(NOTE);
  const fixed = rt.reloadSettings();
  assert.deepEqual(fixed.problems, []);
  assert.deepEqual([fixed.get('mail_poll_seconds'), fixed.source('mail_poll_seconds')], [90, 'settings note']);
});

test('a settings note that is not YAML at all: every widening key on its safe side, the rest last good, reported', (t) => {
  const { write, runtime } = setup(t);
  write('timezone: Europe/Berlin\nbase_currency: RUB\ncloud_enabled: true\nweekly_budget_usd: 2\nmail_poll_seconds: 120\n');
  runtime();
  const broken: [string, string][] = [
    ['settings = INI', '---\naios_kind: settings\ncloud_enabled = true\nweekly_budget_usd = 100\n---\n'],
    ['a YAML syntax error', '---\naios_kind: settings\ncloud_enabled: true\nweekly_budget_usd: [100\n---\n'],
    ['a key given twice', '---\naios_kind: settings\ncloud_enabled: false\ncloud_enabled: true\n---\n'],
    ['JavaScript front matter', '---js\n({ aios_kind: "settings", cloud_enabled: true })\n---\n'],
    ['its --- lines lost', 'aios_kind: settings\ncloud_enabled: true\nweekly_budget_usd: 100\n'],
    ['its aios_kind lost', '---\ncloud_enabled: true\nweekly_budget_usd: 100\n---\n'],
  ];
  for (const [what, text] of broken) {
    write(text, true);
    const rt = runtime();
    assert.deepEqual(pick(rt, ['cloud_enabled', 'weekly_budget_usd', 'budget_exhausted', 'router_confidence_threshold', 'timezone', 'base_currency', 'mail_poll_seconds']), {
      cloud_enabled: [false, 'safe fallback'],
      weekly_budget_usd: [0, 'safe fallback'],
      budget_exhausted: ['ask', 'safe fallback'],
      router_confidence_threshold: [0, 'safe fallback'],
      timezone: ['Europe/Berlin', 'last good value'],
      base_currency: ['RUB', 'last good value'],
      mail_poll_seconds: [120, 'last good value'],
    }, what);
    assert.match(rt.settings.problems.join('\n'), /^AIOS\/Settings\.md: cannot be read \(.+\); every setting falls back/m, what);
  }
});

test('aios once and aios status print the problem (file, key, value) until it is fixed; --json lists it', (t) => {
  const { write, aios } = setup(t);
  write('timezone: Europe/Berlin\nbase_currency: RUB\ncloud_enabled: false\nweekly_budget_usd: 0,5\n');
  const line = /^aios: setting not used: AIOS\/Settings\.md: weekly_budget_usd: "0,5" .*using 0 \(safe fallback\) until it is fixed$/m;
  const once = aios(['once', 'costs']);
  assert.equal(once.status, 0, once.stdout + once.stderr);
  assert.match(once.stderr, line);
  const status = aios(['status']);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stderr, line);
  assert.match(status.stdout, /^settings problems\n {2}AIOS\/Settings\.md: weekly_budget_usd: "0,5" /m);
  const shown = aios(['status', '--json']);
  assert.match(shown.stderr, line, 'printed by every command until fixed, not once');
  const json = JSON.parse(shown.stdout) as { settings_problems: string[]; settings: Record<string, { value: unknown; source: string }> };
  assert.equal(json.settings_problems.length, 1);
  assert.match(json.settings_problems[0]!, /^AIOS\/Settings\.md: weekly_budget_usd: "0,5" /);
  assert.deepEqual(json.settings.weekly_budget_usd, { value: 0, source: 'safe fallback' });
  assert.deepEqual(json.settings.cloud_enabled, { value: false, source: 'settings note' });
  assert.deepEqual(json.settings.timezone, { value: 'Europe/Berlin', source: 'settings note' });

  write('timezone: Europe/Berlin\nbase_currency: RUB\ncloud_enabled: false\nweekly_budget_usd: 0.5\n');
  const fixed = aios(['once', 'costs']);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.doesNotMatch(fixed.stderr, /setting not used/);
  const r = aios(['status', '--json']);
  assert.doesNotMatch(r.stderr, /setting not used/);
  const after = JSON.parse(r.stdout) as { settings_problems: string[]; settings: Record<string, { value: unknown; source: string }> };
  assert.deepEqual(after.settings_problems, []);
  assert.deepEqual(after.settings.weekly_budget_usd, { value: 0.5, source: 'settings note' });
});
