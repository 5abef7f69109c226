// A companion write killed by SIGKILL between its temp file and the rename leaves the old note whole,
// and the temp file of the dead writer is swept at the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTestContext } from '../support/context.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import type { Frontmatter } from '../../contract/index.ts';

const item = (): Frontmatter<'decision_item'> => ({
  finding_key: 'k1', kind: 'test', title: 'Pay the invoice', severity: 'medium', created: '2026-11-26T06:00:00',
  why: 'An invoice is due.', evidence: [], options: ['pay', 'wait'], option_ids: ['pay', 'wait'], targets: [], status: 'open',
});

test('a write killed between the temp file and the rename leaves the old note whole', (t) => {
  const tc = makeTestContext();
  t.after(() => tc.cleanup());
  const { path } = tc.vault.writeCompanionNote('decision_item', item(), 'old body\n');
  const before = readFileSync(tc.vault.abs(path), 'utf8');
  const script = fileURLToPath(new URL('../support/write-note.ts', import.meta.url));
  for (const point of ['vault.before-rename#1']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, tc.vaultDir, tc.stateDir], {
      env: { ...process.env, AIOS_CRASH_AT: point },
      encoding: 'utf8',
    });
    assert.equal(r.signal, 'SIGKILL', `child was not killed at ${point}: ${r.stderr}`);
    assert.equal(readFileSync(tc.vault.abs(path), 'utf8'), before);
  }
  // The crash left its hidden temp file; the next start removes it once it is old enough.
  const temps = readdirSync(tc.vault.abs('Queue')).filter((f) => f.startsWith('.aios-tmp-'));
  assert.equal(temps.length, 1);
  const old = new Date(Date.now() - 3600_000);
  utimesSync(tc.vault.abs(`Queue/${temps[0]}`), old, old);
  new Runtime({ vaultRoot: tc.vaultDir, stateDir: tc.stateDir, logToFile: false, env: {} });
  assert.deepEqual(readdirSync(tc.vault.abs('Queue')).filter((f) => f.startsWith('.aios-tmp-')), []);
  // Without a crash the same child does replace the note: the test above could fail.
  const ok = spawnSync(process.execPath, ['--import', 'tsx', script, tc.vaultDir, tc.stateDir], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(readFileSync(tc.vault.abs(path), 'utf8'), /new body/);
  // Leftover temp files are hidden, and no half-written note is visible.
  const visible = readdirSync(tc.vault.abs('Queue')).filter((f) => !f.startsWith('.'));
  assert.deepEqual(visible, [path.slice('Queue/'.length)]);
});
