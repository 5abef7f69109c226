// Simulated time for tests of the service: a day passes in milliseconds. Sleepers wake in order as time
// is moved forward, the service settling after each; a machine asleep wakes nobody until it wakes.
import type { Time } from '../../companion/core/time.ts';

interface Sleeper {
  at: number;
  resolve: () => void;
}

export class SimTime implements Time {
  private t: number;
  private sleepers: Sleeper[] = [];
  readonly maxSleepMs = Number.POSITIVE_INFINITY;

  constructor(start: Date) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const s: Sleeper = { at: this.t + Math.max(0, ms), resolve };
      this.sleepers.push(s);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        resolve();
      }, { once: true });
    });
  }

  private wakeDue(): boolean {
    const due = this.sleepers.filter((s) => s.at <= this.t);
    if (due.length === 0) return false;
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
    return true;
  }

  /** Moves time forward to `to`, waking each sleeper at its moment and letting the service settle. */
  async advance(to: Date, settle: () => Promise<void>): Promise<void> {
    await settle(); // whoever is about to sleep registers first
    for (;;) {
      const next = this.sleepers.reduce<number | undefined>((m, s) => (m === undefined || s.at < m ? s.at : m), undefined);
      if (next === undefined || next > to.getTime()) break;
      this.t = Math.max(this.t, next);
      this.wakeDue();
      await settle();
    }
    this.t = to.getTime();
    this.wakeDue();
    await settle();
  }

  /** The machine sleeps until `to`: nothing runs in between, and everything overdue wakes at once. */
  async sleepMachine(to: Date, settle: () => Promise<void>): Promise<void> {
    this.t = to.getTime();
    this.wakeDue();
    await settle();
  }
}
