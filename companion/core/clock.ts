// Time in the business's own zone. Notes carry local datetimes without an offset (Obsidian convention),
// so every conversion goes through here.

export interface Clock {
  now(): Date;
  /** `YYYY-MM-DDTHH:mm:ss` in the business time zone. */
  localDateTime(d?: Date): string;
  /** `YYYY-MM-DD` in the business time zone. */
  localDate(d?: Date): string;
  readonly timezone: string;
}

export function systemTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A clock in `timezone`; `fixedNow` pins the time (the demo runs on a known day) or reads it (a simulated one). */
export function makeClock(timezone: string, fixedNow?: Date | (() => Date)): Clock {
  const tz = timezone || systemTimezone();
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const local = (d: Date): string => {
    const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  };
  const now = () => (typeof fixedNow === 'function' ? fixedNow() : fixedNow ? new Date(fixedNow) : new Date());
  return {
    timezone: tz,
    now,
    localDateTime: (d = now()) => local(d),
    localDate: (d = now()) => local(d).slice(0, 10),
  };
}
