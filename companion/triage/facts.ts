// Facts out of a message, by deterministic readers first: invoice number, date, amount, VAT, currency
// and due date kept together; act and contract numbers; a deadline the message sets; bank details; a
// tax id. Russian and English (and the German words a Hamburg client writes). Pure. Every figure comes
// from the text; a model's answer for what they miss is accepted only where `figureInText` finds it.
import { parseMoney, moneyToNumber, type Money } from '../../contract/money.ts';

export interface Facts {
  invoice_number?: string;
  invoice_date?: string;
  invoice_amount?: number;
  invoice_vat?: number;
  invoice_currency?: string;
  invoice_due?: string;
  act_number?: string;
  contract_number?: string;
  deadline?: string;
  bank_account?: string;
  bank_bic?: string;
  tax_id?: string;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  января: 1, февраля: 2, марта: 3, апреля: 4, мая: 5, июня: 6, июля: 7, августа: 8, сентября: 9, октября: 10, ноября: 11, декабря: 12,
  янв: 1, фев: 2, мар: 3, апр: 4, июн: 6, июл: 7, авг: 8, сен: 9, сент: 9, окт: 10, ноя: 11, дек: 12,
  januar: 1, februar: 2, märz: 3, mai: 5, juni: 6, juli: 7, oktober: 10, dezember: 12,
};
const MONTH_WORD = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < 100) y += 2000;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d || y < 1990 || y > 2100) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A date written in any of the usual ways, at the start of `s`: `05.11.2026`, `2026-11-05`, `5 ноября 2026 г.`, `12 Nov 2026`, `November 12, 2026`. */
const DATE_SOURCE = [
  String.raw`(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?!\d)`,
  String.raw`(\d{4})-(\d{2})-(\d{2})(?!\d)`,
  String.raw`(\d{1,2})\.?\s+(${MONTH_WORD})\.?,?\s+(\d{4})`,
  String.raw`(${MONTH_WORD})\.?\s+(\d{1,2}),?\s+(\d{4})`,
].join('|');
const DATE_RE = new RegExp(`(?:${DATE_SOURCE})`, 'iu');

export function parseDateAt(s: string): { date: string; raw: string } | undefined {
  const m = new RegExp(`^\\s*(?:${DATE_SOURCE})`, 'iu').exec(s);
  if (!m) return undefined;
  let date: string | undefined;
  if (m[1]) date = isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  else if (m[4]) date = isoDate(Number(m[4]), Number(m[5]), Number(m[6]));
  else if (m[7]) date = isoDate(Number(m[9]), MONTHS[m[8]!.toLowerCase()]!, Number(m[7]));
  else if (m[10]) date = isoDate(Number(m[12]), MONTHS[m[10]!.toLowerCase()]!, Number(m[11]));
  return date ? { date, raw: m[0].trim() } : undefined;
}

/** Every date the text states, as YYYY-MM-DD. */
export function datesIn(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(DATE_RE.source, 'giu');
  for (const m of text.matchAll(re)) {
    const d = parseDateAt(m[0]);
    if (d) out.push(d.date);
  }
  return out;
}

// ---- money ----

const CURRENCY_WORDS: [RegExp, string][] = [
  [/^(?:руб(?:\.|лей|ля|ль)?|р\.|₽|rub|rur)$/i, 'RUB'],
  [/^(?:eur|euro|евро|€)$/i, 'EUR'],
  [/^(?:usd|\$|долл(?:\.|аров|ара)?)$/i, 'USD'],
  [/^(?:gbp|£)$/i, 'GBP'],
  [/^(?:chf)$/i, 'CHF'],
];
const CUR = String.raw`руб(?:\.|лей|ля|ль)?|р\.|₽|RUB|RUR|EUR|euro|евро|€|USD|\$|долл(?:\.|аров|ара)?|GBP|£|CHF`;
const NUM = String.raw`\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
/** An amount with its currency before or after: `86 400,00 руб.`, `€ 1.234,56`, `EUR 12.00`, `$500`. */
const MONEY_RE = new RegExp(String.raw`(?:(${CUR})\s?(${NUM})|(${NUM})\s?(${CUR}))(?![\p{L}\d])`, 'giu');

function currencyOf(word: string): string | undefined {
  const w = word.trim().toLowerCase();
  return CURRENCY_WORDS.find(([re]) => re.test(w))?.[1];
}

/** A figure as a bank or person writes it, the decimal mark told by its shape. */
export function parseAmount(raw: string): Money | undefined {
  const s = raw.replace(/[\s\u00a0\u202f']/g, '');
  const comma = s.lastIndexOf(','), dot = s.lastIndexOf('.');
  // The last mark is the decimal one when two digits or fewer follow it; otherwise it groups thousands.
  const last = Math.max(comma, dot);
  const decimal: '.' | ',' = last >= 0 && s.length - last - 1 <= 2 ? (last === comma ? ',' : '.') : comma >= 0 && dot < 0 ? '.' : ',';
  try {
    return parseMoney(s, decimal);
  } catch {
    return undefined;
  }
}

export interface AmountFound {
  amount: Money;
  currency: string;
  raw: string;
  index: number;
}

/** Whether the text states a sum of money at all (a zero balance counts). */
export function statesAmount(text: string): boolean {
  for (const m of text.matchAll(MONEY_RE)) if (currencyOf(m[1] ?? m[4]!) && parseAmount(m[2] ?? m[3]!) !== undefined) return true;
  return false;
}

export function amountsIn(text: string): AmountFound[] {
  const out: AmountFound[] = [];
  for (const m of text.matchAll(MONEY_RE)) {
    const num = m[2] ?? m[3]!;
    const cur = currencyOf(m[1] ?? m[4]!);
    const amount = parseAmount(num);
    if (cur && amount !== undefined && amount > 0n) out.push({ amount, currency: cur, raw: m[0], index: m.index });
  }
  return out;
}

// ---- numbers of documents ----

/** A document number: letters, digits and the usual joiners, at least one digit. */
const DOC_NO = String.raw`([A-ZА-ЯЁ]{0,6}[-/]?\d[\p{L}\d/\-.]{0,24})`;
const NO = String.raw`\s*(?:№|N[o°º]?\.?|#|nr\.?|number|номер)?\s*`;

const INVOICE_RE = new RegExp(String.raw`(?:сч[её]т(?:[ау]|ом|е)?(?:-фактур[аыу])?|сч\.|invoice|inv\.?|rechnung|bill)${NO}${DOC_NO}`, 'iu');
const ACT_RE = new RegExp(String.raw`(?:акт[а-я]*|УПД|act|acceptance certificate)(?!\s+сверки)${NO}${DOC_NO}`, 'iu');
const CONTRACT_RE = new RegExp(String.raw`(?:договор[а-я]*(?:\s+(?:поставки|оказания услуг|подряда|аренды|на\s+\S+))?|контракт[а-я]*|contract|agreement|vertrag)${NO}${DOC_NO}`, 'iu');

function cleanNumber(raw: string): string | undefined {
  const n = raw.replace(/[.,\-/]+$/, '');
  // A year or a bare date is not a document number.
  if (/^\d{4}$/.test(n) && Number(n) > 1990 && Number(n) < 2100) return undefined;
  if (/^\d{1,2}\.\d{1,2}\.\d{2,4}$/.test(n)) return undefined;
  return /\d/.test(n) ? n : undefined;
}

function numberAfter(re: RegExp, text: string): { value: string; end: number } | undefined {
  const g = new RegExp(re.source, 'giu');
  for (const m of text.matchAll(g)) {
    const v = cleanNumber(m[1]!);
    if (v) return { value: v, end: m.index + m[0].length };
  }
  return undefined;
}

// ---- the whole message ----

const DUE_RE = /(?:срок\s+оплаты|оплат(?:а|ить|ите)\s+(?:до|не\s+позднее)|оплатить\s+в\s+срок\s+до|к\s+оплате\s+до|due(?:\s+date)?|payment\s+due|pay(?:able)?\s+(?:by|until|before)|zahlbar\s+bis|fällig\s+am|f[aä]llig)\s*:?\s*(?:by|до|on|am|bis)?\s*/giu;
const AMOUNT_LABEL_RE = /(?:сумм[аеу]|итого|всего|к\s+оплате|на\s+сумму|total|amount(?:\s+due)?|betrag|gesamt|на)\s*:?\s*$/iu;
const VAT_RE = /(?:в\s+т\.?\s?ч\.?\s+)?(?:НДС|VAT|MwSt\.?|USt\.?)\s*(?:\(?\d{1,2}(?:[.,]\d+)?\s?%\)?)?\s*[:=-]?\s*/giu;
/** The VAT figure itself, with or without a currency: "в т.ч. НДС 20% 14 400,00", "VAT 19%: 197.11". */
const VAT_AMOUNT_RE = new RegExp(String.raw`(?:НДС|VAT|MwSt\.?|USt\.?)\s*(?:\(?\d{1,2}(?:[.,]\d+)?\s?%\)?)?\s*[:=-]?\s*(?:(?:${CUR})\s?)?(${NUM})(?![\d%]|\s%)`, 'iu');
const NO_VAT_RE = /(?:без\s+НДС|НДС\s+не\s+облагается|VAT\s+exempt|no\s+VAT|ohne\s+MwSt)/iu;
const DEADLINE_RE = /(?:в\s+течение|не\s+позднее|within|innerhalb\s+von)\s+(\d{1,3})\s+(рабочих\s+дн|календарных\s+дн|дн|working\s+days?|business\s+days?|days?|werktag|tag)/iu;
/** Words before a date that make it a deadline, the strong ones scoring higher than a bare "до" / "by". */
const DEADLINE_DATE_RE = /(не\s+позднее|крайний\s+срок|в\s+срок\s+до|reply\s+by|respond\s+by|no\s+later\s+than|deadline|spätestens|до|by|bis\s+zum|bis)\s*:?\s*/giu;
const STRONG_DEADLINE = /^(?:не\s+позднее|крайний\s+срок|в\s+срок\s+до|reply\s+by|respond\s+by|no\s+later\s+than|deadline|spätestens)/iu;
const BIC_RE = /(?:БИК|BIC|SWIFT)\s*:?\s*([0-9]{9}|[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)(?![A-Za-z0-9])/u;
const ACCOUNT_RE = /(?:р\/с|р\/сч|р\.\s?с\.|расч[её]тный\s+сч[её]т|IBAN|account(?:\s+(?:no\.?|number))?|Konto(?:nummer)?)\s*[:№#]?\s*([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?|(?:\d[\s.]?){19}\d)(?![0-9])/iu;
const TAX_RE = /(?:ИНН|INN|VAT\s*ID|USt-?Id(?:Nr)?\.?|Tax\s*ID)\s*(?:is\s+)?[:№#]?\s*([A-Z]{2}\s?[0-9A-Z]{8,12}|\d{10}|\d{12})(?![0-9])/giu;

function addWorkingDays(from: string, n: number): string {
  const d = new Date(`${from}T12:00:00Z`);
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}

function addDays(from: string, n: number): string {
  const d = new Date(`${from}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The facts of one message. `sent` (YYYY-MM-DD) anchors relative deadlines ("within 5 working days");
 * `own` are the business's own tax ids and accounts, never taken as the writer's.
 */
export function extractFacts(text: string, opts: { sent?: string; own?: ReadonlySet<string> } = {}): Facts {
  const f: Facts = {};
  const own = opts.own ?? new Set<string>();

  const inv = numberAfter(INVOICE_RE, text);
  if (inv) {
    f.invoice_number = inv.value;
    // "счёт № 112 от 05.11.2026", "Invoice 112 dated 5 Nov 2026": the date that follows the number.
    const after = /^\s*(?:от|dated|of|vom|from|date[d]?:?)\s*/iu.exec(text.slice(inv.end));
    if (after) {
      const d = parseDateAt(text.slice(inv.end + after[0].length));
      if (d) f.invoice_date = d.date;
    }
  }
  const act = numberAfter(ACT_RE, text);
  if (act) f.act_number = act.value;
  const con = numberAfter(CONTRACT_RE, text);
  if (con) f.contract_number = con.value;

  const amounts = amountsIn(text);
  if (amounts.length) {
    // A labelled amount ("Сумма:", "на сумму", "Total") first, else the largest one stated.
    const labelled = amounts.find((a) => AMOUNT_LABEL_RE.test(text.slice(Math.max(0, a.index - 24), a.index)));
    const vatStart = new Set<number>();
    for (const m of text.matchAll(VAT_RE)) vatStart.add(m.index + m[0].length);
    const isVat = (a: AmountFound) => vatStart.has(a.index);
    const best = labelled && !isVat(labelled) ? labelled : [...amounts].filter((a) => !isVat(a)).sort((a, b) => (b.amount > a.amount ? 1 : -1))[0];
    if (best) {
      f.invoice_amount = moneyToNumber(best.amount);
      f.invoice_currency = best.currency;
    }
    const vat = amounts.find((a) => isVat(a) && (!best || a.amount < best.amount));
    if (vat) f.invoice_vat = moneyToNumber(vat.amount);
  }
  if (f.invoice_vat === undefined) {
    const v = VAT_AMOUNT_RE.exec(text);
    const amount = v ? parseAmount(v[1]!) : undefined;
    if (amount !== undefined && amount > 0n && (f.invoice_amount === undefined || moneyToNumber(amount) < f.invoice_amount)) f.invoice_vat = moneyToNumber(amount);
  }
  if (f.invoice_vat === undefined && NO_VAT_RE.test(text) && f.invoice_amount !== undefined) f.invoice_vat = 0;

  for (const m of text.matchAll(DUE_RE)) {
    const d = parseDateAt(text.slice(m.index + m[0].length));
    if (d) {
      f.invoice_due = d.date;
      break;
    }
  }

  const rel = DEADLINE_RE.exec(text);
  if (rel && opts.sent) {
    const n = Number(rel[1]);
    f.deadline = /рабоч|working|business|werk/i.test(rel[2]!) ? addWorkingDays(opts.sent, n) : addDays(opts.sent, n);
  } else {
    // The strongest wording wins, then the earliest date: "действует до 31.12" loses to "(т.е. до 01.12)".
    let best: { date: string; strong: boolean } | undefined;
    for (const m of text.matchAll(DEADLINE_DATE_RE)) {
      const before = text.slice(Math.max(0, m.index - 20), m.index);
      if (/оплат|pay|due|действ|valid|gültig/iu.test(before)) continue; // a due date (read above) or a term, not a deadline
      const d = parseDateAt(text.slice(m.index + m[0].length));
      if (!d || d.date === f.invoice_due || (opts.sent && d.date < opts.sent)) continue;
      const strong = STRONG_DEADLINE.test(m[1]!);
      if (!best || (strong && !best.strong) || (strong === best.strong && d.date < best.date)) best = { date: d.date, strong };
    }
    if (best) f.deadline = best.date;
  }

  const bic = BIC_RE.exec(text);
  if (bic) f.bank_bic = bic[1]!;
  const acc = ACCOUNT_RE.exec(text);
  if (acc) {
    const a = acc[1]!.replace(/[\s.]/g, '').toUpperCase();
    if (!own.has(`account:${a}`)) f.bank_account = a;
  }
  for (const m of text.matchAll(TAX_RE)) {
    const t = m[1]!.replace(/\s/g, '').toUpperCase();
    if (own.has(`tax:${t}`)) continue;
    f.tax_id = t;
    break;
  }
  return f;
}

/** Digits of a text with every separator gone: `86 400,00` and `86400.00` both give `8640000`. */
const digitsOf = (s: string) => s.replace(/\D/g, '');

/**
 * Whether a value a model gave is stated in the text: a number by its digits (86400 in "86 400,00"),
 * a date by any spelling of it the text uses, anything else word for word (case aside).
 */
export function figureInText(key: keyof Facts, value: string | number, text: string): boolean {
  if (typeof value === 'number') {
    const whole = digitsOf(String(Math.trunc(Math.abs(value))));
    if (whole === '' || whole === '0') return value === 0 && NO_VAT_RE.test(text);
    const cents = Math.round(Math.abs(value) * 100) % 100;
    const found = amountsIn(text).some((a) => Math.abs(Number(a.amount) / 1e5 - Math.abs(value)) < 0.005) || digitsOf(text).includes(whole);
    return found && (cents === 0 || digitsOf(text).includes(whole + pad(cents)));
  }
  if (key === 'invoice_date' || key === 'invoice_due' || key === 'deadline') return datesIn(text).includes(value);
  if (key === 'invoice_currency') return amountsIn(text).some((a) => a.currency === value);
  return text.toLowerCase().replace(/\s+/g, ' ').includes(value.toLowerCase().replace(/\s+/g, ' '));
}
