// Huge notes at the head of the index: a 30 MB note whose front matter never closes and says it is a
// counterparty is reported as too large and not parsed; a 10 MB note that starts with `---` over a pasted
// transcript and names no kind is just the owner's note. Only what is read is checked here (the time it
// takes is bench/scale.bench.ts's business): the head is bounded, whatever the file's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initVault } from '../../companion/core/init.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import { MAX_FRONTMATTER_BYTES, readFrontmatterBlock } from '../../companion/core/vault-index.ts';
import { MB, writeBig, writeTranscript, writeUnclosedCounterparty } from '../support/big-notes.ts';

const BIN = fileURLToPath(new URL('../../bin/aios.mjs', import.meta.url));

function vaultWith(t: { after(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'aios-scale-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const vault = join(base, 'vault');
  initVault(vault);
  return { base, vault, state: join(base, 'state'), env: { AIOS_SECRETS_FILE: join(base, 'no-secrets.json') } };
}

test('a 30 MB front matter that never closes and names a kind is reported as too large, not parsed', (t) => {
  const d = vaultWith(t);
  writeUnclosedCounterparty(join(d.vault, 'Counterparties/Huge Supplier.md'));
  // The same with its kind behind 200 KB of other properties: still a note claiming a kind.
  writeUnclosedCounterparty(join(d.vault, 'Counterparties/Huge Supplier 2.md'), 200 * 1024);
  const head = readFrontmatterBlock(join(d.vault, 'Counterparties/Huge Supplier.md'));
  assert.equal(head.oversized, true);
  assert.ok(head.text.length <= 64 * 1024, `a head of ${head.text.length} characters was kept`);
  const rt = new Runtime({ vaultRoot: d.vault, stateDir: d.state, env: d.env, logToFile: false });
  const limit = `front matter longer than ${MAX_FRONTMATTER_BYTES / MB} MB: not read`;
  assert.deepEqual(rt.index.errors().filter((e) => e.path.includes('Huge')), [
    { path: 'Counterparties/Huge Supplier 2.md', errors: [{ field: '(frontmatter)', message: limit }] },
    { path: 'Counterparties/Huge Supplier.md', errors: [{ field: '(frontmatter)', message: limit }] },
  ]);
  assert.deepEqual(rt.index.unreadable().filter((u) => u.path.includes('Huge')).map((u) => u.claimedKind), ['counterparty', 'counterparty']);
  assert.equal(rt.index.findCounterparty({ taxId: '7799999999' }), undefined);
  assert.equal(rt.index.byKind('counterparty').length, 3, 'the template\'s three counterparties only');
});

test('a 10 MB transcript under a --- line is the owner\'s note: no error, no kind; aios status succeeds beside both', (t) => {
  const d = vaultWith(t);
  writeTranscript(join(d.vault, 'Call with Bumaga.md'));
  writeUnclosedCounterparty(join(d.vault, 'Counterparties/Huge Supplier.md'));
  const head = readFrontmatterBlock(join(d.vault, 'Call with Bumaga.md'));
  assert.ok(head.text.length <= MAX_FRONTMATTER_BYTES + 64 * 1024, 'bounded');
  // Lines of dashes that are not a lone `---` do not close the block.
  assert.ok(head.oversized, 'a ---- line was taken for the end of the front matter');
  const rt = new Runtime({ vaultRoot: d.vault, stateDir: d.state, env: d.env, logToFile: false });
  assert.equal(rt.index.get('Call with Bumaga.md'), undefined);
  assert.deepEqual(rt.index.errors().map((e) => e.path), ['Counterparties/Huge Supplier.md']);

  const r = spawnSync(process.execPath, [BIN, 'status', '--vault', d.vault, '--state-dir', d.state, '--json'], { encoding: 'utf8', env: { ...process.env, ...d.env }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { note_errors: { path: string; errors: { message: string }[] }[] };
  assert.deepEqual(s.note_errors.map((e) => [e.path, e.errors[0]!.message]), [['Counterparties/Huge Supplier.md', `front matter longer than ${MAX_FRONTMATTER_BYTES / MB} MB: not read`]]);
});

test('the end of a front matter is a line of three dashes alone, wherever the read stops', (t) => {
  const d = vaultWith(t);
  const cases: [string, string, string][] = [
    ['dashes inside', '---\naios_kind: process\nname: A\ntrigger: "--- not the end"\n---\nbody\n', '---\naios_kind: process\nname: A\ntrigger: "--- not the end"\n---\n'],
    ['a ---- line before the end', '---\naios_kind: process\nname: B\n----\nmore: x\n---\nbody\n', '---\naios_kind: process\nname: B\n----\nmore: x\n---\n'],
    ['trailing spaces and CRLF', '---\r\naios_kind: process\r\nname: C\r\n---  \r\nbody\r\n', '---\r\naios_kind: process\r\nname: C\r\n---  \r\n'],
    ['end of file', '---\naios_kind: process\nname: D\n---', '---\naios_kind: process\nname: D\n---'],
  ];
  for (const [what, text, head] of cases) {
    const rel = `Processes/${what}.md`;
    writeBig(join(d.vault, rel), text, () => '', 0);
    assert.deepEqual(readFrontmatterBlock(join(d.vault, rel)), { text: head, oversized: false }, what);
  }
  // A closing line that falls across the reader's 16 KB steps, and one right after a long property.
  for (const pad of [16 * 1024 - 12, 16 * 1024 - 4, 16 * 1024 - 3, 16 * 1024 - 1, 16 * 1024, 32 * 1024 - 2]) {
    const rel = `Processes/Pad ${pad}.md`;
    const start = `---\naios_kind: process\nname: Pad ${pad}\nnote: `;
    writeBig(join(d.vault, rel), `${start}${'x'.repeat(Math.max(0, pad - start.length))}\n---\nbody\n`, () => '', 0);
    assert.equal(readFrontmatterBlock(join(d.vault, rel)).text.endsWith('\n---\n'), true, `pad ${pad}`);
  }
  const rt = new Runtime({ vaultRoot: d.vault, stateDir: d.state, env: d.env, logToFile: false });
  const names = rt.index.byKind('process').map((e) => String(e.frontmatter.name));
  for (const n of ['A', 'C', 'D']) assert.ok(names.includes(n), `${n} is not read: ${JSON.stringify(rt.index.errors())}`);
  assert.equal(rt.index.byKind('process').filter((e) => String(e.frontmatter.name).startsWith('Pad ')).length, 6);
});
