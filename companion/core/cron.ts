// Scheduling decisions, pure: does a cron expression match a minute in the business time zone, and
// which run was due last. node-cron fires the live runs; this decides what to catch up after the
// machine slept (node-cron never does, and has had DST bugs).

interface Field {
  min: number;
  max: number;
}
const FIELDS: Field[] = [
  { min: 0, max: 59 }, // minute
  { min: 0, max: 23 }, // hour
  { min: 1, max: 31 }, // day of month
  { min: 1, max: 12 }, // month
  { min: 0, max: 7 }, // day of week (0 and 7 are Sunday)
];

export interface CronSpec {
  sets: Set<number>[];
  domStar: boolean;
  dowStar: boolean;
}

export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}": expected 5 fields (minute hour day month weekday)`);
  const sets = parts.map((part, i) => {
    const f = FIELDS[i]!;
    const set = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new Error(`cron "${expr}": cannot read "${item}"`);
      const lo = m[1] === '*' ? f.min : Number(m[2]);
      const hi = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : lo;
      const step = m[4] !== undefined ? Number(m[4]) : 1;
      if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new Error(`cron "${expr}": "${item}" out of range ${f.min}-${f.max}`);
      for (let v = lo; v <= hi; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    return set;
  });
  return { sets, domStar: parts[2] === '*', dowStar: parts[4] === '*' };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a time zone. */
function wallClock(d: Date, tz: string): { minute: number; hour: number; day: number; month: number; weekday: number } {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short' })));
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!);
  return { minute: Number(p.minute), hour: Number(p.hour), day: Number(p.day), month: Number(p.month), weekday };
}

export function cronMatches(spec: CronSpec, d: Date, tz: string): boolean {
  const w = wallClock(d, tz);
  const [mi, h, dom, mon, dow] = spec.sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (!mi.has(w.minute) || !h.has(w.hour) || !mon.has(w.month)) return false;
  // Classic cron: when both day fields are restricted, either may match.
  if (!spec.domStar && !spec.dowStar) return dom.has(w.day) || dow.has(w.weekday);
  return dom.has(w.day) && dow.has(w.weekday);
}

/** The latest minute at or before `now`, within `lookbackDays`, at which the schedule was due. */
export function previousDue(expr: string, now: Date, tz: string, lookbackDays = 8): Date | undefined {
  const spec = parseCron(expr);
  const start = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let t = start, end = start - lookbackDays * 86_400_000; t > end; t -= 60_000) {
    const d = new Date(t);
    if (cronMatches(spec, d, tz)) return d;
  }
  return undefined;
}

/** A scheduled job missed its last due run (machine asleep or service down) when it last ran before it. */
export function missedRun(expr: string, lastRun: Date | undefined, now: Date, tz: string): boolean {
  const due = previousDue(expr, now, tz);
  return due !== undefined && (lastRun === undefined || lastRun < due);
}
