// Calendar arithmetic on `YYYY-MM-DD` dates (no time, no zone): what statements, reconciliation and
// the queue count in days and months.

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The same day `n` months later, on the month's last day where it has fewer days (Jan 31 + 1 month = Feb 28). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const months = y * 12 + (m - 1) + n;
  const year = Math.floor(months / 12), month = (months % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** First and last day of the month `YYYY-MM`. */
export function monthBounds(month: string): { start: string; end: string } {
  const start = `${month}-01`;
  return { start, end: addDays(addMonths(start, 1), -1) };
}
