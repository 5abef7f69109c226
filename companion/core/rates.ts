// Exchange rates the owner keeps in dated notes (`exchange_rates`: a table of currency and rate, one unit
// of the currency in the note's base currency). Read by the cash position and by reconciliation, which
// converts a payment in another currency at the rate of its day.
import { parseMoney } from '../../contract/money.ts';
import { parseTables, tableRecords } from '../../contract/markdown-table.ts';
import type { JobContext } from './job.ts';

export interface Rates { note: string; date: string; base: string; rates: Readonly<Record<string, string>> }

/** Every rates note in `base` with at least one readable rate, newest first. */
export function ratesNotes(ctx: Pick<JobContext, 'index' | 'vault' | 'log'>, base: string): Rates[] {
  const notes = ctx.index.byKind('exchange_rates')
    .filter((e) => e.frontmatter.base_currency === base && typeof e.frontmatter.date === 'string')
    .sort((a, b) => String(b.frontmatter.date).localeCompare(String(a.frontmatter.date)));
  const out: Rates[] = [];
  for (const n of notes) {
    const rates: Record<string, string> = {};
    for (const t of parseTables(ctx.vault.readNote(n.path).body)) {
      for (const r of tableRecords(t)) {
        const c = (r.currency ?? '').trim().toUpperCase();
        const rate = (r.rate ?? '').trim().replace(',', '.');
        if (!/^[A-Z]{3}$/.test(c)) continue;
        try {
          if (parseMoney(rate) > 0n) rates[c] = rate;
        } catch {
          ctx.log.warn({ note: n.path, currency: c }, `rate "${rate}" is not a number`);
        }
      }
    }
    if (Object.keys(rates).length) out.push({ note: n.name, date: String(n.frontmatter.date), base, rates });
  }
  return out;
}

/** The newest rates dated on or before `day`. */
export function ratesOn(all: readonly Rates[], day: string): Rates | undefined {
  return all.find((r) => r.date <= day);
}

/**
 * How many units of `to` one unit of `from` is worth on `day`, through the base currency, as a decimal
 * string of five decimals (what exact money holds); undefined without a rate for either. Rates older than `maxAgeDays` before the day do not count.
 */
export function crossRate(all: readonly Rates[], from: string, to: string, day: string, maxAgeDays = 7): string | undefined {
  const r = ratesOn(all, day);
  if (!r || (Date.parse(day) - Date.parse(r.date)) / 86_400_000 > maxAgeDays) return undefined;
  const unit = (c: string) => (c === r.base ? 1 : r.rates[c] !== undefined ? Number(r.rates[c]) : undefined);
  const a = unit(from), b = unit(to);
  return a === undefined || b === undefined ? undefined : (a / b).toFixed(5);
}
