// Seeded crash points for the crash-safety tests: `AIOS_CRASH_AT=<name>#<n>` kills the process with
// SIGKILL on the n-th time the named point is reached. Unset in normal runs, where this costs one lookup.
const spec = process.env.AIOS_CRASH_AT;
const target = spec ? /^(.+)#(\d+)$/.exec(spec) : null;
let hits = 0;

export function crashPoint(name: string): void {
  if (!target || target[1] !== name) return;
  hits++;
  if (hits === Number(target[2])) process.kill(process.pid, 'SIGKILL');
}
