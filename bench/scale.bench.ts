// Huge-note benchmark: `aios status` (a new process: start, index the vault, report) on the template vault
// with two notes that used to cost minutes, since the index read a head in small steps and searched it
// from the start each time: a 30 MB note whose front matter never closes and names a kind, and a 10 MB
// pasted transcript under a `---` line. Target on the 2-core machine: `aios status` < 3 s; and reading the
// two heads alone, which the limit bounds whatever the files' size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initVault } from '../companion/core/init.ts';
import { readFrontmatterBlock } from '../companion/core/vault-index.ts';
import { writeTranscript, writeUnclosedCounterparty } from '../test/support/big-notes.ts';

const BIN = fileURLToPath(new URL('../bin/aios.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'aios-bench-scale-'));
try {
  const vault = join(base, 'vault');
  initVault(vault);
  const env = { ...process.env, AIOS_SECRETS_FILE: join(base, 'no-secrets.json') };
  /** Best of three warm runs of `aios status` (after one that warms the file cache). */
  const status = () => {
    const runs = [0, 1, 2, 3].map(() => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'status', '--vault', vault, '--state-dir', join(base, 'state'), '--json'], { encoding: 'utf8', env });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(r.stderr);
      return { ms, errors: (JSON.parse(r.stdout) as { note_errors: unknown[] }).note_errors.length };
    });
    return runs.slice(1).sort((a, b) => a.ms - b.ms)[0]!;
  };
  // The same command on the same vault without the two notes: start-up and the rest of the vault.
  const plain = status();

  const huge = join(vault, 'Counterparties/Huge Supplier.md');
  const transcript = join(vault, 'Call with Bumaga.md');
  writeUnclosedCounterparty(huge);
  writeTranscript(transcript);
  const heads = [huge, transcript].map((p) => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) readFrontmatterBlock(p);
    return (performance.now() - t0) / 20;
  });
  console.log(`head of the 30 MB note ${heads[0]!.toFixed(1)} ms, of the 10 MB transcript ${heads[1]!.toFixed(1)} ms (each bounded by the 1 MB limit)`);
  const big = status();
  console.log(`aios status  ${(big.ms / 1000).toFixed(2)} s with a 30 MB and a 10 MB note (target < 3 s), ${big.errors} note reported; ${(plain.ms / 1000).toFixed(2)} s without them (the notes add ${((big.ms - plain.ms) / 1000).toFixed(2)} s)`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
