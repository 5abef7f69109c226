// Local dates and datetimes in the business time zone, as the companion writes them (no offset).
const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DDTHH:mm:ss` of an instant in a zone ('' is the device's own). */
export function localDateTime(at: Date, timeZone = ''): string {
  const key = timeZone || 'local';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { ...(timeZone ? { timeZone } : {}), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(key, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** Seconds from one local datetime to another (both in the same zone). */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(`${to}Z`) - Date.parse(`${from}Z`)) / 1000;
}

/** The day after a `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
