// The one cron grammar: what a schedule setting accepts is exactly what fires and what catch-up
// computes. Five fields (minute hour day-of-month month day-of-week) in the business time zone, each a
// `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a list of those; months and weekdays may be
// written as names (`JAN`, `MON`, any case); 0 and 7 are Sunday; `@hourly`, `@daily`, `@weekly`,
// `@monthly` and `@yearly` are shorthands. Pure: the plugin validates with it too.

export interface CronSpec {
  readonly expr: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  /** Classic cron: when both day fields are restricted, either may match. */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

export class CronError extends Error {}

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** The value names start at (1 for months, 0 for weekdays). */
  namesFrom?: number;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

function value(raw: string, f: Field, expr: string): number {
  if (/^\d+$/.test(raw)) return Number(raw);
  const i = f.names?.indexOf(raw.toUpperCase()) ?? -1;
  if (i >= 0) return i + (f.namesFrom ?? 0);
  throw new CronError(`schedule "${expr}": "${raw}" is not a ${f.name}${f.names ? ` (a number or ${f.names[0]}-${f.names[f.names.length - 1]})` : ''}`);
}

function field(part: string, f: Field, expr: string): Set<number> {
  const set = new Set<number>();
  for (const item of part.split(',')) {
    const m = /^(\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new CronError(`schedule "${expr}": cannot read "${item}" in the ${f.name} field`);
    const lo = m[1] === '*' ? f.min : value(m[2]!, f, expr);
    const hi = m[1] === '*' ? f.max : m[3] !== undefined ? value(m[3], f, expr) : m[4] !== undefined ? f.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new CronError(`schedule "${expr}": "${item}" is out of range ${f.min}-${f.max} for the ${f.name}`);
    for (let v = lo; v <= hi; v += step) set.add(f.max === 7 && v === 7 ? 0 : v);
  }
  return set;
}

/** Parses a schedule; throws CronError saying what is wrong. */
export function parseCron(input: string): CronSpec {
  const expr = input.trim();
  const text = MACROS[expr.toLowerCase()] ?? expr;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`schedule "${expr}": expected 5 fields (minute hour day month weekday), found ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => field(p, FIELDS[i]!, expr)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return { expr, minutes, hours, days, months, weekdays, domStar: parts[2] === '*', dowStar: parts[4] === '*' };
}

/** Undefined when the schedule is valid, else why not. */
export function cronProblem(expr: string): string | undefined {
  try {
    parseCron(expr);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Wall-clock fields, as a schedule sees them. */
export interface WallTime {
  minute: number;
  hour: number;
  day: number;
  month: number;
  /** 0 = Sunday. */
  weekday: number;
}

export function cronMatchesWall(spec: CronSpec, w: WallTime): boolean {
  if (!spec.minutes.has(w.minute) || !spec.hours.has(w.hour) || !spec.months.has(w.month)) return false;
  if (!spec.domStar && !spec.dowStar) return spec.days.has(w.day) || spec.weekdays.has(w.weekday);
  return spec.days.has(w.day) && spec.weekdays.has(w.weekday);
}
