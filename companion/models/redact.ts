// Before any cloud call, identifiers are replaced by placeholders: IBANs, account and card numbers,
// tax ids, e-mail addresses, phone numbers. The same value always gets the same placeholder within one
// call, and placeholders in the answer are mapped back to the real values. Over-redacting a harmless
// number is cheaper than leaking an account, so the patterns are broad.

export type RedactionKind = 'IBAN' | 'CARD' | 'ACCOUNT' | 'TAX_ID' | 'EMAIL' | 'PHONE' | 'NUMBER';

export interface Redaction {
  text: string;
  /** placeholder -> original value */
  map: Map<string, string>;
}

export class Redactor {
  private readonly byValue = new Map<string, string>();
  readonly map = new Map<string, string>();
  private readonly counters = new Map<RedactionKind, number>();

  private placeholder(kind: RedactionKind, value: string): string {
    const key = `${kind}\0${value}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const ph = `[${kind}_${n}]`;
    this.byValue.set(key, ph);
    this.map.set(ph, value);
    return ph;
  }

  redact(text: string): string {
    let s = text;
    // Order matters: e-mail before phone (digits in addresses), IBAN before bare digit runs.
    s = s.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, (m) => this.placeholder('EMAIL', m));
    s = s.replace(/(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g, (m) => this.placeholder('IBAN', m));
    // Card numbers: 13-19 digits, optionally grouped by spaces or dashes, passing the Luhn check.
    s = s.replace(/(?<!\d)\d{4}(?:[ -]?\d{3,4}){2,4}(?!\d)/g, (m) => {
      const digits = m.replace(/\D/g, '');
      // Grouped 13-19 digits are a card number whether or not the checksum holds (a typo still identifies).
      if (digits.length >= 13 && digits.length <= 19 && /[ -]/.test(m)) return this.placeholder('CARD', m);
      return m;
    });
    // Phone numbers: international (+7 495 ..., +49 40 ...) or Russian 8 (xxx) forms.
    s = s.replace(/(?:\+\d{1,3}[\s.-]?|(?<![\d.,])8[\s.-]?)(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,4}){1,4}(?!\d)/g, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 9 && digits.length <= 15 ? this.placeholder('PHONE', m) : m;
    });
    s = s.replace(/\(\d{3,5}\)[\s-]?\d{2,4}(?:[\s-]?\d{2,4}){1,3}\b/g, (m) => this.placeholder('PHONE', m));
    // Bare digit runs: 20-digit Russian accounts, 10/12-digit tax ids (INN), other long identifiers.
    s = s.replace(/(?<!\d)\d{9,}(?!\d)/g, (m) => {
      if (m.length === 20 || m.length === 22) return this.placeholder('ACCOUNT', m);
      if (m.length === 10 || m.length === 12) return this.placeholder('TAX_ID', m);
      if (m.length >= 13 && m.length <= 19 && luhn(m)) return this.placeholder('CARD', m);
      return this.placeholder('NUMBER', m);
    });
    return s;
  }

  /** Puts the real values back into a string of the answer. */
  restore(text: string): string {
    return text.replace(/\[(IBAN|CARD|ACCOUNT|TAX_ID|EMAIL|PHONE|NUMBER)_(\d+)\]/g, (m) => this.map.get(m) ?? m);
  }

  restoreDeep<T>(value: T): T {
    if (typeof value === 'string') return this.restore(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.restoreDeep(v)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.restoreDeep(v)])) as T;
    }
    return value;
  }
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** One-shot redaction of a text. */
export function redact(text: string): Redaction {
  const r = new Redactor();
  return { text: r.redact(text), map: r.map };
}
