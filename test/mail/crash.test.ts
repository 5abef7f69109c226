// Crash safety: `aios once mail` killed with SIGKILL at seeded points of a sync (between a note's
// rename and the checkpoint, mid-write, after a fetch...) and restarted each time ends with exactly
// one whole note per message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { validateFrontmatter } from '../../contract/index.ts';
import { allFiles, cliVault, mailNotes, message } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
/** The CLI; a test may point it elsewhere (AIOS_TEST_CLI) to check this test itself. */
const CLI = process.env.AIOS_TEST_CLI ?? join(ROOT, 'bin/aios.mjs');

let d: Dovecot;
before(async () => {
  d = await startDovecot();
});
after(() => d?.cleanup());

function once(vault: string, state: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'once', 'mail', '--vault', vault, '--state-dir', state], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

// A sync works in batches of 25: fetched and rendered (attachments saved, note temp files written),
// linked into place, proposals filed, then logged (the checkpoint). A run killed anywhere before the
// log append of its first batch leaves the next run to redo that batch; a kill right after it
// (mail.after-checkpoint#1) moves on by exactly one batch, so the 200 messages last for every point.
// vault.*#1 is the lease written at start; vault.*#2 the first counterparty proposal (filed in the
// first batch's commit, before its checkpoint).
const POINTS = [
  'mail.after-attachment#1', 'mail.after-fetch#1', 'batch.before-link#1', 'batch.after-link#3', 'mail.after-note#1',
  'vault.before-rename#2', 'vault.after-rename#2', 'vault.before-rename#1', 'mail.after-checkpoint#1',
  'batch.after-link#2', 'mail.after-fetch#1', 'vault.after-rename#1', 'mail.after-checkpoint#1',
  'batch.before-link#1', 'mail.after-note#1', 'mail.after-checkpoint#1',
  'batch.after-link#1', 'mail.after-fetch#1', 'mail.after-checkpoint#1',
  'batch.before-link#1', 'mail.after-note#1', 'mail.after-checkpoint#1',
  'mail.after-fetch#1', 'batch.after-link#2', 'mail.after-checkpoint#1',
  'vault.before-rename#1', 'batch.before-link#1', 'mail.after-checkpoint#1',
  'mail.after-note#1', 'mail.after-fetch#1',
];

test(`SIGKILL at ${POINTS.length} seeded points, restarted each time: exactly 200 whole notes`, { timeout: 480_000 }, async () => {
  const msgs = Array.from({ length: 200 }, (_, i) => message(i, i % 20 === 0 ? { attachment: { name: `scan-${i}.pdf`, bytes: 20_000 } } : { html: i % 3 === 0 }));
  await d.append('INBOX', msgs);
  const { root, vault, state, env: accountEnv } = cliVault(d, 'aios-crash-');
  const env = { ...accountEnv, AIOS_CRASH_AT: '' };
  try {
    let killed = 0;
    const missed: string[] = [];
    for (const point of POINTS) {
      const r = await once(vault, state, { ...env, AIOS_CRASH_AT: point });
      if (r.signal === 'SIGKILL') killed++;
      else {
        assert.equal(r.code, 0, `${point}: ${r.out}`);
        missed.push(point);
      }
      assert.ok(mailNotes(vault).length <= 200);
    }
    if (missed.length) console.log(`# runs that ended before their crash point: ${missed.join(', ')}`);
    assert.ok(killed >= 20, `only ${killed} of ${POINTS.length} runs reached their crash point`);
    const last = await once(vault, state, env);
    assert.equal(last.code, 0, last.out);
    const notes = mailNotes(vault);
    assert.equal(notes.length, 200);
    const ids = new Set<string>();
    for (const n of notes) {
      const { frontmatter } = parseNote(readFileSync(join(vault, 'Mail', n), 'utf8'));
      assert.ok(validateFrontmatter(frontmatter).ok, n);
      ids.add(String(frontmatter.message_id));
    }
    assert.equal(ids.size, 200);
    // Attachments: one file each for the 10 messages that had one, no copies from retries.
    const att = allFiles(vault).filter((f) => f.startsWith('Attachments/') && !f.split('/').pop()!.startsWith('.'));
    assert.equal(att.length, 10, att.join('\n'));
    // No partial file anywhere visible: temp files are hidden (.aios-tmp-*) and nothing else is cut.
    for (const f of allFiles(vault)) {
      const base = f.split('/').pop()!;
      if (base.startsWith('.aios-tmp-')) continue;
      if (f.endsWith('.md')) assert.doesNotThrow(() => parseNote(readFileSync(join(vault, f), 'utf8')), f);
    }
    const again = await once(vault, state, env);
    assert.equal(again.code, 0);
    assert.equal(mailNotes(vault).length, 200);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
