// ISO weeks of local dates (the business's own calendar): the budget and the cost note run Monday to Sunday.

export interface IsoWeek {
  /** `2026-W48` */
  week: string;
  /** Monday, `YYYY-MM-DD` */
  start: string;
  /** Sunday, `YYYY-MM-DD` */
  end: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The ISO week containing a local date `YYYY-MM-DD`. */
export function isoWeekOf(localDate: string): IsoWeek {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = (date.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(date.getTime() - dow * 86400000);
  const thursday = new Date(monday.getTime() + 3 * 86400000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const n = Math.floor((thursday.getTime() - jan1) / 86400000 / 7) + 1;
  return { week: `${year}-W${String(n).padStart(2, '0')}`, start: day(monday), end: day(new Date(monday.getTime() + 6 * 86400000)) };
}

/** The ISO week before the one containing `localDate`. */
export function previousIsoWeek(localDate: string): IsoWeek {
  const { start } = isoWeekOf(localDate);
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  return isoWeekOf(day(new Date(Date.UTC(y, m - 1, d) - 7 * 86400000)));
}
