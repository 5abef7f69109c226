// When a schedule fires, in the business time zone, pure. The grammar is the contract's (one grammar for
// settings, firing and catch-up); this decides the instants, with the daylight-saving rules of classic
// cron: a time skipped when clocks go forward fires at the jump (so a 02:30 job still runs that day),
// and a time repeated when clocks go back fires once (unless the schedule runs every hour anyway).
import { cronMatchesWall, parseCron, type CronSpec, type WallTime } from '../../contract/cron.ts';

export { CronError, cronProblem, parseCron, type CronSpec } from '../../contract/cron.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const formats = new Map<string, Intl.DateTimeFormat>();

interface Wall extends WallTime {
  year: number;
  /** Minutes since the epoch as if the wall clock were UTC: differences say how the clock moved. */
  serial: number;
}

function wall(t: number, tz: string): Wall {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formats.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(t))) p[x.type] = x.value;
  const year = Number(p.year), month = Number(p.month), day = Number(p.day), hour = Number(p.hour), minute = Number(p.minute);
  return { year, month, day, hour, minute, weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!), serial: Date.UTC(year, month - 1, day, hour, minute) / MINUTE };
}

function wallOfSerial(serial: number): WallTime {
  const d = new Date(serial * MINUTE);
  return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
}

/**
 * The first instant after `after` at which the schedule fires, or undefined within `limitDays`.
 * Walks forward by the hour where nothing can match and by the minute where something may.
 */
export function nextDue(schedule: string | CronSpec, after: Date, tz: string, limitDays = 400): Date | undefined {
  const spec = typeof schedule === 'string' ? parseCron(schedule) : schedule;
  const everyHour = spec.hours.size === 24;
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = t + limitDays * 86_400_000;
  while (t <= end) {
    const w = wall(t, tz);
    const before = wall(t - MINUTE, tz);
    // Clocks jumped forward: the wall minutes skipped over happen now.
    if (w.serial - before.serial > 1) {
      for (let s = before.serial + 1; s < w.serial; s++) if (cronMatchesWall(spec, wallOfSerial(s))) return new Date(t);
    }
    if (cronMatchesWall(spec, w)) {
      // Clocks went back: an hour ago the wall clock read the same, so this time already fired.
      const repeated = wall(t - HOUR, tz).serial > w.serial - 60;
      if (!repeated || everyHour) return new Date(t);
    }
    if (!spec.hours.has(w.hour) || !spec.months.has(w.month)) {
      t += (60 - w.minute) * MINUTE; // to the next wall hour (a jump forward happens on one)
      continue;
    }
    let m = w.minute + 1;
    while (m < 60 && !spec.minutes.has(m)) m++;
    t += (m - w.minute) * MINUTE;
  }
  return undefined;
}

/** Whether a schedule last satisfied at `lastMark` has fired since, by `now` (one catch-up however many were missed). */
export function isDue(schedule: string | CronSpec, lastMark: Date, now: Date, tz: string): boolean {
  const next = nextDue(schedule, lastMark, tz);
  return next !== undefined && next <= now;
}
