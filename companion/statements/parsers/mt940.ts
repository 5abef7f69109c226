// SWIFT MT940 (and MT942 interim reports, read as provisional). Tags `:20:` ... `:62F:`, amounts with
// decimal commas, `:86:` structured differently per bank (German `?NN` subfields, Dutch `/KEY/value`).
// Several statements of one account in one file become one statement with a balance block each.
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import { StatementError, checkedIso, isIban, maxDate, minDate, type BalanceBlock, type ParsedStatement, type StatementEntry } from '../model.ts';

interface Msg {
  tags: { tag: string; value: string }[];
}

function decodeMt(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const TAG_RE = /^:(\d{2}[A-Z]?|NS):(.*)$/;

function yymmdd(s: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  return checkedIso(String(y < 70 ? 2000 + y : 1900 + y), m[2]!, m[3]!);
}

/** `currency` is empty when the bank left it out (seen in the wild): the statement's currency applies. */
interface Balance { sign: 1n | -1n; date: string | undefined; rawDate: string; currency: string; amount: Money }

function balanceOf(v: string, file: string, tag: string): Balance {
  const m = /^([CD])(\d{6})([A-Z]{3})?([\d,.]+)/.exec(v.replace(/\s+/g, ''));
  if (!m) throw new StatementError('malformed', `${file}: :${tag}: "${v.slice(0, 40)}" is not a balance (C/D, YYMMDD, currency, amount)`, 'mt940');
  return { sign: m[1] === 'D' ? -1n : 1n, date: yymmdd(m[2]!), rawDate: m[2]!, currency: m[3] ?? '', amount: amountOf(m[4]!, file, tag) };
}

function amountOf(v: string, file: string, tag: string): Money {
  try {
    return parseMoney(v, ',');
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: :${tag}: "${v}" is not an amount`, 'mt940');
    throw e;
  }
}

const SLASH_KEYS = ['TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'ORDP', 'BENM', 'ID', 'ADDR', 'CDTRREF', 'CDTRREFTP', 'CD', 'ISSR', 'USTD', 'STRD', 'SWOC', 'PREF', 'RTRN', 'ULTC', 'ULTD', 'PURP', 'EXCH', 'CHGS'];

interface Details { text: string; name?: string; account?: string; bic?: string }

/** Reads `:86:`: German `?NN` subfields, `/KEY/value/` pairs, or free text. */
export function parseDetails(raw: string): Details {
  const flat = raw.replace(/\r?\n/g, '');
  if (/^\d{3}\?\d{2}|^\?\d{2}/.test(flat) || /\?2\d/.test(flat)) {
    const fields = new Map<string, string>();
    for (const m of flat.matchAll(/\?(\d{2})([^?]*)/g)) fields.set(m[1]!, (fields.get(m[1]!) ?? '') + m[2]!);
    const purpose = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'].map((k) => fields.get(k) ?? '').join('');
    const d: Details = { text: [fields.get('00'), purpose].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim() };
    const name = ((fields.get('32') ?? '') + (fields.get('33') ?? '')).trim();
    if (name) d.name = name;
    const acct = fields.get('31')?.trim();
    if (acct) d.account = acct;
    const bic = fields.get('30')?.trim();
    if (bic) d.bic = bic;
    return d;
  }
  if (new RegExp(`/(${SLASH_KEYS.join('|')})/`).test(flat)) {
    const re = new RegExp(`/(${SLASH_KEYS.join('|')})/`, 'g');
    const marks = [...flat.matchAll(re)];
    const get = (k: string) => {
      const i = marks.findIndex((m) => m[1] === k);
      if (i < 0) return undefined;
      const from = marks[i]!.index! + k.length + 2;
      const to = i + 1 < marks.length ? marks[i + 1]!.index! : flat.length;
      return flat.slice(from, to).replace(/\/$/, '').trim() || undefined;
    };
    const d: Details = { text: (get('REMI') ?? get('USTD') ?? flat).replace(/\s+/g, ' ').trim() };
    const name = get('NAME');
    if (name) d.name = name;
    const iban = get('IBAN');
    if (iban) d.account = iban;
    const bic = get('BIC');
    if (bic) d.bic = bic;
    return d;
  }
  return { text: raw.replace(/\s*\r?\n\s*/g, ' ').trim() };
}

// value date, [entry MMDD], [R]C/D, [funds code], amount, type code, customer ref, [//bank ref], [\n details]
const LINE61 = /^(\d{6})(\d{4}|\s{4})?(R?[CD])([A-Z])?[\n ]?([\d,]+)([A-Z][A-Z0-9 ]{3})?((?:(?!\/\/)[^\n])*)(?:\/\/([^\n]*))?(?:\n([\s\S]*))?$/;

export function parseMt940(chunks: Iterable<Uint8Array>, file: string): ParsedStatement[] {
  const parts: Uint8Array[] = [];
  for (const c of chunks) parts.push(c);
  const bytes = Buffer.concat(parts);
  if (bytes.length === 0) throw new StatementError('empty', `${file}: the file is empty`, 'mt940');
  const text = decodeMt(bytes).replace(/^\ufeff/, '');

  // Tag lines start a tag; other lines continue the previous one; `-` ends a message.
  const msgs: Msg[] = [];
  let cur: Msg | undefined;
  for (const rawLine of text.split(/\r\n|\n|\r/)) {
    const line = rawLine.replace(/\{[1-5]:[^}]*\}?|\{4:|-\}$/g, '');
    if (/^-\s*$/.test(line.trim()) && rawLine.trim().startsWith('-')) { cur = undefined; continue; }
    const m = TAG_RE.exec(line.trimStart());
    if (m) {
      if (m[1] === '20' || !cur) { cur = { tags: [] }; msgs.push(cur); }
      else if (m[1]!.startsWith('60') && cur.tags.some((t) => t.tag.startsWith('62'))) {
        // A paged statement (62M then 60M): each page is its own balance block.
        const acct = cur.tags.find((t) => t.tag === '25');
        cur = { tags: acct ? [{ ...acct }] : [] };
        msgs.push(cur);
      }
      cur.tags.push({ tag: m[1]!, value: m[2]! });
    } else if (cur && cur.tags.length) {
      const last = cur.tags[cur.tags.length - 1]!;
      last.value += '\n' + line;
    }
  }
  const real = msgs.filter((m) => m.tags.some((t) => t.tag === '61' || t.tag.startsWith('60') || t.tag.startsWith('62')));
  if (real.length === 0) {
    throw new StatementError(msgs.length ? 'empty' : 'not_statement', `${file}: ${msgs.length ? 'no balances or transactions (:60:, :61:, :62:) in the MT940 data' : 'not MT940: no SWIFT tags such as :20: or :61:'}`, 'mt940');
  }

  const byAccount = new Map<string, ParsedStatement>();
  const order: ParsedStatement[] = [];
  for (const msg of real) {
    const account = msg.tags.find((t) => t.tag === '25')?.value.trim().split('\n')[0]!.trim();
    if (!account) throw new StatementError('malformed', `${file}: a statement without :25: (account)`, 'mt940');
    const opening = msg.tags.find((t) => t.tag.startsWith('60'));
    const closing = msg.tags.find((t) => t.tag.startsWith('62'));
    const ob = opening ? balanceOf(opening.value, file, opening.tag) : undefined;
    const cb = closing ? balanceOf(closing.value, file, closing.tag) : undefined;
    const mt942 = !ob && !cb;
    const floor = msg.tags.find((t) => t.tag.startsWith('34'))?.value;
    let currency = ob?.currency || cb?.currency || (floor ? /^[A-Z]{3}/.exec(floor.trim())?.[0] : undefined);
    const acctCcy = /([A-Z]{3})$/.exec(account)?.[1];
    currency ??= acctCcy;
    if (!currency) throw new StatementError('malformed', `${file}: statement for ${account} names no currency`, 'mt940');
    const entries: StatementEntry[] = [];
    for (let i = 0; i < msg.tags.length; i++) {
      const t = msg.tags[i]!;
      if (t.tag !== '61') continue;
      const m = LINE61.exec(t.value.replace(/\s+$/, ''));
      if (!m) throw new StatementError('malformed', `${file}: :61: "${t.value.slice(0, 40)}" is not a statement line`, 'mt940');
      const [, vd, edRaw, mark, , amt, , custRef, bankRef, extra] = m;
      const ed = edRaw?.trim() ? edRaw : undefined;
      const valueDate = yymmdd(vd!);
      let booking = valueDate;
      if (ed) {
        // The entry date has no year: take the value date's, across a year end when needed.
        let year = 2000 + Number(vd!.slice(0, 2));
        if (year >= 2070) year -= 100;
        const vm = Number(vd!.slice(2, 4)), em = Number(ed.slice(0, 2));
        if (vm === 12 && em === 1) year++;
        else if (vm === 1 && em === 12) year--;
        booking = checkedIso(String(year), ed.slice(0, 2), ed.slice(2, 4)) ?? valueDate;
      }
      if (!booking) throw new StatementError('malformed', `${file}: :61: "${t.value.slice(0, 40)}": neither value date nor entry date is a real date`, 'mt940');
      const amount = amountOf(amt!, file, '61');
      const credit = mark === 'C' || mark === 'RD';
      let info = '';
      for (let k = i + 1; k < msg.tags.length && msg.tags[k]!.tag === '86'; k++) info += (info ? '\n' : '') + msg.tags[k]!.value;
      const details = info ? parseDetails(info) : { text: '' };
      const e: StatementEntry = {
        bookingDate: booking,
        amount: credit ? amount : -amount,
        direction: credit ? 'in' : 'out',
        text: [details.text, extra?.trim()].filter(Boolean).join(' ').trim(),
        provisional: mt942,
      };
      if (valueDate) e.valueDate = valueDate;
      const ref = custRef?.trim();
      if (ref && ref !== 'NONREF') e.reference = ref;
      const bref = bankRef?.trim();
      if (bref && bref !== 'NONREF') e.bankId = bref;
      if (details.name) e.counterpartyName = details.name;
      if (details.account) {
        e.counterpartyAccount = details.account;
        if (isIban(details.account)) e.counterpartyIban = details.account;
      }
      if (details.bic) e.counterpartyBank = details.bic;
      entries.push(e);
    }
    let start: string | undefined, end: string | undefined;
    if (ob?.date) start = ob.date;
    if (cb?.date) end = cb.date;
    for (const e of entries) { start = minDate(start, e.bookingDate); end = maxDate(end, e.bookingDate); }
    if (!start || !end) throw new StatementError('malformed', `${file}: statement for ${account} has no dates`, 'mt940');
    let st = byAccount.get(account);
    if (!st || st.provisional !== mt942 || st.currency !== currency) {
      st = { format: 'mt940', account, currency, periodStart: start, periodEnd: end, blocks: [], entries: [], provisional: mt942, warnings: [] };
      byAccount.set(account, st);
      order.push(st);
      if (ob) st.openingBalance = ob.sign * ob.amount;
    } else {
      st.periodStart = minDate(st.periodStart, start);
      st.periodEnd = maxDate(st.periodEnd, end);
    }
    for (const e of entries) st.entries.push(e);
    if (cb) st.closingBalance = cb.sign * cb.amount;
    if (ob && cb) {
      const block: BalanceBlock = { from: start, to: end, opening: ob.sign * ob.amount, closing: cb.sign * cb.amount };
      const odd = [ob.currency, cb.currency].find((c) => c !== '' && c !== currency);
      if (odd) block.currency = odd;
      let movements = 0n;
      for (const e of entries) if (!e.provisional) movements += e.amount;
      block.movements = movements;
      st.blocks.push(block);
    }
    if (ob && !ob.date) st.warnings.push(`opening balance date ${ob.rawDate} is not a real date`);
  }
  return order;
}
