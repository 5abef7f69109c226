// Money, numbers and dates in the owner's language, by Intl: ru `3 234 560,00 ₽` (no-break spaces),
// en `RUB 3,234,560.00`. Property values stay in the contract's formats; these are for text only.
import type { Language } from './index.ts';

const LOCALE: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU' };
const locale = (language: string) => LOCALE[language as Language] ?? LOCALE.en;
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}\u0000${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale(language), options)));
  return f;
}

/** An amount with its currency: the symbol in Russian, the ISO code in English (`RUB 3,234,560.00`). */
export function formatAmount(language: string, amount: number, currency: string): string {
  try {
    return numberFormat(language, { style: 'currency', currency, currencyDisplay: language === 'ru' ? 'narrowSymbol' : 'code' }).format(amount);
  } catch {
    // Not an ISO currency Intl knows: the number and the code as given.
    return `${formatNumber(language, amount, 2)} ${currency}`;
  }
}

export function formatNumber(language: string, n: number, decimals: number): string {
  return numberFormat(language, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
}

/** Text on one line, cut to `max` characters with an ellipsis. */
export function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A `YYYY-MM-DD` day: `26.11.2026` in Russian, `26 Nov 2026` in English. */
export function formatDay(language: string, day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', language === 'ru' ? { timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}
