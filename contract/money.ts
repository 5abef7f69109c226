// Exact money. An amount is an integer count of 1/100000 of a currency unit (5 decimal places, as
// some CAMT files carry), held in a bigint so no float ever touches a balance.

export const MONEY_SCALE = 5;
const FACTOR = 10n ** BigInt(MONEY_SCALE);

export type Money = bigint;

export class MoneyFormatError extends Error {}

// Either plain digits, or groups of exactly three digits after the first; the fraction comes last.
const SHAPE = {
  '.': /^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?$|^\.\d+$/,
  ',': /^(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d*)?$|^,\d+$/,
} as const;

/**
 * Parses a decimal written by a bank or a person: `-1 234,56`, `1,234.56`, `1234.5`, `+12`, `1'234.00`.
 * `decimal` says which mark separates the fraction; the other one (and spaces, NBSP, apostrophes) may group thousands.
 */
export function parseMoney(text: string, decimal: '.' | ',' = '.'): Money {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  let sign = 1n;
  if (s.startsWith('(') && s.endsWith(')')) { sign = -1n; s = s.slice(1, -1); }
  if (s.startsWith('-') || s.startsWith('\u2212')) { sign = -sign; s = s.slice(1); }
  else if (s.startsWith('+')) s = s.slice(1);
  if (s.endsWith('-')) { sign = -sign; s = s.slice(0, -1); }
  const group = decimal === '.' ? ',' : '.';
  if (!SHAPE[decimal].test(s)) throw new MoneyFormatError(`not an amount: "${text}"`);
  const [wholeRaw, frac = ''] = s.split(decimal) as [string, string?];
  const whole = wholeRaw.split(group).join('');
  if (frac.length > MONEY_SCALE) {
    if (/[1-9]/.test(frac.slice(MONEY_SCALE))) throw new MoneyFormatError(`more than ${MONEY_SCALE} decimal places: "${text}"`);
  }
  const fracPadded = (frac + '0'.repeat(MONEY_SCALE)).slice(0, MONEY_SCALE);
  return sign * (BigInt(whole || '0') * FACTOR + BigInt(fracPadded));
}

/** From a number read out of YAML frontmatter. Exact for amounts below 1e10 with up to 5 decimals. */
export function moneyFromNumber(n: number): Money {
  if (!Number.isFinite(n)) throw new MoneyFormatError(`not an amount: ${n}`);
  return parseMoney(n.toFixed(MONEY_SCALE));
}

/** Plain decimal text with at least `minDecimals` places and no more than needed: `-1234.50`. */
export function formatMoney(m: Money, minDecimals = 2): string {
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const whole = abs / FACTOR;
  let frac = (abs % FACTOR).toString().padStart(MONEY_SCALE, '0');
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/** For a frontmatter number. */
export function moneyToNumber(m: Money): number {
  return Number(formatMoney(m, 0));
}

export function sumMoney(values: Iterable<Money>): Money {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** Multiplies by a decimal rate (such as an exchange rate), rounding half away from zero to the money scale. */
export function multiplyMoney(m: Money, rate: string): Money {
  const r = parseMoney(rate);
  const product = m * r;
  const q = product / FACTOR;
  const rem = product % FACTOR;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  if (twice >= FACTOR) return q + (product < 0n ? -1n : 1n);
  return q;
}

/** Rounds to a currency's minor unit (2 places by default), half away from zero. */
export function roundMoney(m: Money, decimals = 2): Money {
  const unit = 10n ** BigInt(MONEY_SCALE - decimals);
  const q = m / unit;
  const rem = m % unit;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  return (twice >= unit ? q + (m < 0n ? -1n : 1n) : q) * unit;
}
