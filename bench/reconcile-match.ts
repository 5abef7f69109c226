// The matcher on a generated set: how long generate + match + score take for a seed and a size, how long
// match alone takes (the part the end-to-end budget gives the matcher), the heap the run leaves in use,
// and the run's precision/recall line. Called by bench/reconcile.bench.ts.
import { match } from '../companion/reconcile/match/matcher.ts';
import { describeRun, generate, scoreRun } from '../test/reconcile/generate.ts';

export function benchMatch(seed: number, invoices: number): { ms: number; matchMs: number; heapMB: number; line: string } {
  const start = performance.now();
  const set = generate({ seed, invoices });
  const matchStart = performance.now();
  const result = match(set.rows, set.invoices, set.rules, set.config);
  const matchMs = performance.now() - matchStart;
  const score = scoreRun(set, result);
  const ms = performance.now() - start;
  // Measured while the set and the result are still referenced: what the run holds at its end.
  const heapMB = process.memoryUsage().heapUsed / 1048576;
  const line = describeRun(score).split('\n')[0]!;
  return { ms, matchMs, heapMB, line };
}
