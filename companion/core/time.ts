// Where the service gets its time from. The real clock in production; tests give a simulated one and
// drive a night and a day in seconds. Waits are capped on the real clock because a suspended machine
// does not advance Node's timers: a 6-hour wait started at 23:00 would end hours after the wake.
export interface Time {
  now(): Date;
  /** Resolves after `ms` of this time has passed, or at once when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The longest a waiting loop should sleep before it looks at the clock again. */
  readonly maxSleepMs: number;
}

export const realTime: Time = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
  maxSleepMs: 30_000,
};
