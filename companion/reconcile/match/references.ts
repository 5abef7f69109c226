// The document references a payment purpose states: "Оплата по счету № 112 от 05.11.2026", "сч.112",
// "по дог. 15 от ...", "УПД № 45", "INV-112", "Invoice 112", "Rechnung 112", "RE 2026-17", Dutch and
// Polish "factuur"/"faktura". A reference needs a word naming the document and a number after it; VAT
// figures, accounts, dates and bank ids are not references. Pure; scored on every real payment purpose
// of the statement fixtures (test/fixtures/reconcile/purposes.jsonl).
import { parseDateAt } from '../../triage/facts.ts';

export type RefKind = 'invoice' | 'act' | 'contract' | 'order' | 'other';

export interface DocRef {
  kind: RefKind;
  number: string;
  /** YYYY-MM-DD, when the text dates the document right after its number. */
  date?: string;
}

const L = String.raw`\p{L}`;
// Each keyword with its kind. Word ends are checked by the caller (no letter may follow).
const KEYWORDS: [RefKind, string][] = [
  ['invoice', String.raw`сч[её]т(?:ам|ов|ах|ом|а|у|е)?(?:\s?-\s?фактур(?:а|ы|е|у|ой))?|сч\.?|с/ф|инвойс(?:ом|а|у|е)?`],
  ['invoice', String.raw`invoices?|inv\.?|rechnungs-?(?:nr\.?|nummer)|rechnung(?:en)?|factuur(?:nummer|nr\.?)?|faktur[ay]|factura`],
  ['act', String.raw`акт(?:ом|ов|ам|ах|а|у|е|ы)?|УПД|накладн(?:ая|ой|ую|ым|ых)`],
  ['contract', String.raw`договор(?:ом|ов|ам|ах|а|у|е|ы)?|дог\.?|контракт(?:ом|а|у|е)?|contract|agreement|vertrag(?:s-?nr\.?|es)?`],
  ['order', String.raw`заказ(?:ом|ов|ам|а|у|е|ы)?|заявк(?:ой|а|и|е|у)|orders?(?:id)?|bestellung|purchase\s+order`],
  ['other', String.raw`reference|ref\.?|betalingskenm(?:erk)?\.?`],
];
const KEYWORD_RE = new RegExp(KEYWORDS.map(([, s]) => `(${s})`).join('|'), 'giu');
/** German "RE 2026-17" and codes glued to their number ("INV-112"): case matters, or every "re" would be one. */
const CODE_RE = /(?<![\p{L}\d])(RE|RG|INV)(?:-?(?=\d)|\s+(?=\d))/gu;

const MARKER = String.raw`(?:№|N[o°º]?\.?(?=\s*\d)|#|nr\.?|no\.?|number|nummer|номер|[:*])`;
const MARKERS_Y = new RegExp(String.raw`(?:\s*${MARKER})*\s*`, 'iuy');
/** Up to three words between the document word and a number sign: "договору аренды № 14-А", "FAKTURA VAT NR 5". */
const QUALIFIED_Y = new RegExp(String.raw`(?:\s+[${L}][${L}.]*){1,3}(?:\s*${MARKER})+\s*`, 'iuy');
/** A document number: an optional letter prefix, a digit, then letters and digits joined by - / or a dot before a digit. */
const NUMBER_Y = new RegExp(String.raw`(?:[A-ZА-ЯЁ]{1,6}[-/]?)?\d[${L}\d]*(?:(?:[-/]\s?(?=\d)|-(?=[${L}])|\.(?=\d))[${L}\d]+)*`, 'iuy');
const DATE_LEAD_Y = /\s*(?:от|dated|of|vom|from|d\.d\.|date)\s*/iuy;
/** A second number of a list: "счетам № 112, 115 и 118", "FACTUUR 201403110, 201403113". */
const LIST_Y = new RegExp(String.raw`(?:\s*[,;+&]\s*|\s+(?:и|and|und)\s+)(?:${MARKER}\s*)?`, 'iuy');
/** "со счета", "расчетного счета": an account, not an invoice. */
const ACCOUNT_BEFORE = /(?:(?:^|\s)(?:со|с|на)|расч[её]тн\p{L}*|лицев\p{L}*|банковск\p{L}*|текущ\p{L}*)\s*$/iu;

/** The date right after "от"/"dated"/"vom": numeric forms read here (most purposes), month words by the triage reader. */
const NUMERIC_DATE_Y = /(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?!\d)|(\d{4})-(\d{2})-(\d{2})(?!\d)/y;
function dateAt(text: string, at: number): { date: string; end: number } | undefined {
  const m = stickyAt(NUMERIC_DATE_Y, text, at);
  if (m) {
    const [y, mo, d] = m[1] ? [Number(m[3]!.length === 2 ? `20${m[3]}` : m[3]), Number(m[2]), Number(m[1])] : [Number(m[4]), Number(m[5]), Number(m[6])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || y < 1990 || y > 2100) return undefined;
    return { date: t.toISOString().slice(0, 10), end: at + m[0].length };
  }
  if (!/^\d{1,2}\.?\s+\p{L}|^\p{L}{3,}\.?\s+\d/u.test(text.slice(at, at + 16))) return undefined;
  const rest = text.slice(at);
  const d = parseDateAt(rest);
  return d ? { date: d.date, end: at + rest.indexOf(d.raw) + d.raw.length } : undefined;
}

function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** Whether a token read as a number is a document number: not a year, a date, an amount or an account. */
function acceptable(n: string, kind: RefKind, russianInvoice: boolean, after: string): boolean {
  const digits = n.replace(/\D/g, '');
  if (!digits) return false;
  // "счёт 2035" is a number, "договор 2025 года" a year.
  if (/^\d{4}$/.test(n) && Number(n) > 1990 && Number(n) < 2100 && (kind === 'contract' || /^\s*(?:г\.|г\b|год|year|jahr)/iu.test(after))) return false;
  if (/^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(n) || /^\d{4}-\d{2}-\d{2}$/.test(n)) return false; // a date
  if (/^\d+[.,]\d{2}$/.test(n)) return false; // an amount
  if (russianInvoice && /^\d{20}$/.test(n)) return false; // "счёт" is also a bank account
  if (kind === 'other' && digits.length < 3) return false; // placeholders such as "ref number V1"
  return true;
}

function trimNumber(raw: string): string {
  return raw.replace(/[-/.\s]+$/u, '');
}

const STARTS_WORD = /^[\p{L}\d]/u;
const STARTS_LETTER = /^[\p{L}]/u;
const WORD_CHAR = /[\p{L}\d]/u;
const LETTER_PREFIX = /^[A-ZА-ЯЁ]*/iu;
const LISTED_END = /^[\p{L}\d%]/u;
const UNIT_AFTER = /^\s*(?:руб|р\.|eur|usd|€|\$|%|шт|pcs)/iu;
const RECONCILIATION = /^\s+сверк/iu;
const INV_WORD = /^inv$/i;
const GLUED_DIGIT = /^-?\d/;
const SPACE = /\s/;

/** One text being read: what was found, and what was (kind and number), so that each is found once. Module functions, not closures made per text. */
interface Reading { text: string; found: { at: number; ref: DocRef }[]; seen: Set<string> }

function addRef(s: Reading, at: number, ref: DocRef): void {
  const k = `${ref.kind}:${ref.number.toUpperCase()}`;
  if (s.seen.has(k)) return;
  s.seen.add(k);
  s.found.push({ at, ref });
}

/** The letters a number starts with. */
function prefixLength(x: string): number {
  return LETTER_PREFIX.exec(x)![0].length;
}

/** Reads a number (and its date, and the numbers listed after it) from `at`; returns whether one was read. */
function readNumbers(s: Reading, kind: RefKind, at: number, russianInvoice: boolean, listed = true): boolean {
  const text = s.text;
  const m = stickyAt(NUMBER_Y, text, at);
  if (!m) return false;
  const number = trimNumber(m[0]);
  const end = at + m[0].length;
  if (STARTS_WORD.test(text.slice(end, end + 1)) || !acceptable(number, kind, russianInvoice, text.slice(end, end + 8))) return false;
  let p = end;
  const ref: DocRef = { kind, number };
  const lead = stickyAt(DATE_LEAD_Y, text, p);
  const d = lead ? dateAt(text, p + lead[0].length) : undefined;
  if (d) {
    ref.date = d.date;
    p = d.end;
  }
  addRef(s, at, ref);
  if (!listed) return true;
  // More numbers of the same document kind, shaped like the first (a list, not an amount after a comma).
  for (;;) {
    const sep = stickyAt(LIST_Y, text, p);
    if (!sep) break;
    const q = p + sep[0].length;
    const n = stickyAt(NUMBER_Y, text, q);
    if (!n) break;
    const next = trimNumber(n[0]);
    const nextEnd = q + n[0].length;
    // Shaped like a number of the list: the same letter prefix, or plain digits (the running part of a longer one).
    const sameShape = next.replace(/\D/g, '').length >= 2 && (prefixLength(next) === prefixLength(number) || /^\d+$/.test(next));
    if (!sameShape || LISTED_END.test(text.slice(nextEnd, nextEnd + 1)) || UNIT_AFTER.test(text.slice(nextEnd)) || !acceptable(next, kind, russianInvoice, text.slice(nextEnd, nextEnd + 8))) break;
    if (!readNumbers(s, kind, q, russianInvoice, false)) break;
    p = nextEnd;
    const lead2 = stickyAt(DATE_LEAD_Y, text, p);
    const d2 = lead2 ? dateAt(text, p + lead2[0].length) : undefined;
    if (d2) p = d2.end;
  }
  return true;
}

export function referencesIn(text: string): DocRef[] {
  const s: Reading = { text, found: [], seen: new Set() };
  for (const m of text.matchAll(KEYWORD_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    // Whole words only: no letter right before or after (a dot ending an abbreviation is part of the match).
    if (start > 0 && WORD_CHAR.test(text[start - 1]!)) continue;
    if (STARTS_LETTER.test(text.slice(end, end + 1))) continue;
    let group = 0;
    while (group < KEYWORDS.length && m[group + 1] === undefined) group++;
    const kind = KEYWORDS[group]![0];
    const russianInvoice = group === 0;
    if (russianInvoice && ACCOUNT_BEFORE.test(text.slice(Math.max(0, start - 24), start))) continue;
    if (kind === 'act' && RECONCILIATION.test(text.slice(end))) continue; // a reconciliation act, not a closing document
    if (INV_WORD.test(m[0]) && GLUED_DIGIT.test(text.slice(end, end + 2))) continue; // "INV-112": read as a code below
    const direct = stickyAt(MARKERS_Y, text, end)!;
    if (readNumbers(s, kind, end + direct[0].length, russianInvoice)) continue;
    const q = stickyAt(QUALIFIED_Y, text, end);
    if (q) readNumbers(s, kind, end + q[0].length, russianInvoice);
  }
  for (const m of text.matchAll(CODE_RE)) {
    const glued = !SPACE.test(m[0]);
    const at = m.index + m[0].length;
    const n = stickyAt(NUMBER_Y, text, at);
    if (!n) continue;
    const number = trimNumber(n[0]);
    if (STARTS_WORD.test(text.slice(at + n[0].length, at + n[0].length + 1)) || !acceptable(number, 'invoice', false, text.slice(at + n[0].length, at + n[0].length + 8))) continue;
    const ref: DocRef = { kind: 'invoice', number: glued ? `${m[1]}${m[0].includes('-') ? '-' : ''}${number}` : number };
    addRef(s, m.index, ref);
  }
  if (s.found.length < 2) return s.found.length ? [s.found[0]!.ref] : [];
  return s.found.sort((a, b) => a.at - b.at).map((f) => f.ref);
}
