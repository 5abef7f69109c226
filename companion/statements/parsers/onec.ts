// 1CClientBankExchange: `Key=Value` lines in a header, balance blocks (`СекцияРасчСчет`) and documents
// (`СекцияДокумент`), closed by `КонецФайла`. There is no direction field: it follows from which side's
// account is the statement's own. The encoding is read from the content (the `Кодировка` line lies).
// The file streams through in decoded chunks: lines are scanned in place, only the fields a movement
// needs are kept (as detached copies), so a 100 MB export costs its entries, not its text.
import { MoneyFormatError, MONEY_SCALE, parseMoney, type Money } from '../../../contract/money.ts';
import { shortHash } from '../../../contract/names.ts';
import {
  StatementError, Interner, decimalOf, currencyOfRuAccount, decodeChunks, detach, dmyToIso, maxDate, minDate, peekBytes, restIterable,
  type BalanceBlock, type ParsedStatement, type StatementEntry,
} from '../model.ts';

export const ONEC_MAGIC = '1CClientBankExchange';

const MARKERS = ['документ', 'расчсчет', 'конец', 'сумма', 'дата', 'плательщик', 'получатель'];

/** Picks utf-8, windows-1251 or cp866 by which decoding makes the format's own keywords readable. */
export function detect1CEncoding(head: Uint8Array): 'utf-8' | 'windows-1251' | 'ibm866' | undefined {
  let bytes = head;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  // Cut a possibly split multi-byte character at the end of the sample.
  let end = bytes.length;
  for (let k = 0; k < 3 && end > 0 && (bytes[end - 1]! & 0xc0) === 0x80; k++) end--;
  if (end > 0 && bytes[end - 1]! >= 0xc0) end--;
  bytes = bytes.subarray(0, end);
  let asciiOnly = true;
  for (const b of bytes) if (b >= 0x80) { asciiOnly = false; break; }
  if (asciiOnly) return 'windows-1251';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    // not UTF-8: one of the Cyrillic code pages
  }
  const score = (enc: string) => {
    const text = new TextDecoder(enc).decode(bytes).toLowerCase();
    let n = 0;
    for (const m of MARKERS) n += text.split(m).length - 1;
    return n;
  };
  const win = score('windows-1251');
  const dos = score('ibm866');
  if (win === 0 && dos === 0) return undefined;
  return win >= dos ? 'windows-1251' : 'ibm866';
}

// Field slots: every key the parser reads, by its lower-cased spelling (banks vary the case).
const F = {
  number: 0, date: 1, sum: 2, payerAcct: 3, payerRs: 4, payeeAcct: 5, payeeRs: 6, debited: 7, credited: 8,
  payer1: 9, payer: 10, payee1: 11, payee: 12, payerInn: 13, payeeInn: 14, payerBic: 15, payeeBic: 16,
  start: 17, end: 18, account: 19, opening: 20, closing: 21, totalIn: 22, totalOut: 23, sender: 24,
} as const;
const SLOT_COUNT = 25;
const IGNORE = -1, SECTION_ACCOUNT = -2, END_ACCOUNT = -3, SECTION_DOC = -4, END_DOC = -5, END_FILE = -6, PURPOSE = -7;

const SLOT_OF = new Map<string, number>([
  ['номер', F.number], ['дата', F.date], ['сумма', F.sum], ['плательщиксчет', F.payerAcct], ['плательщикрасчсчет', F.payerRs],
  ['получательсчет', F.payeeAcct], ['получательрасчсчет', F.payeeRs], ['датасписано', F.debited], ['датапоступило', F.credited],
  ['плательщик1', F.payer1], ['плательщик', F.payer], ['получатель1', F.payee1], ['получатель', F.payee],
  ['плательщикинн', F.payerInn], ['получательинн', F.payeeInn], ['плательщикбик', F.payerBic], ['получательбик', F.payeeBic],
  ['датаначала', F.start], ['датаконца', F.end], ['расчсчет', F.account], ['начальныйостаток', F.opening], ['конечныйостаток', F.closing],
  ['всегопоступило', F.totalIn], ['всегосписано', F.totalOut], ['отправитель', F.sender],
  ['секциярасчсчет', SECTION_ACCOUNT], ['конецрасчсчет', END_ACCOUNT], ['секциядокумент', SECTION_DOC], ['конецдокумента', END_DOC], ['конецфайла', END_FILE],
]);

/**
 * Slot of a key as written. The spellings seen are cached by length and first and last character and
 * confirmed in place (`startsWith`), so the common line costs no new string; the cache is bounded
 * because a hostile file may invent keys without end.
 */
class KeySlots {
  private readonly table: ({ key: string; slot: number; purpose: string }[] | undefined)[] = new Array(4096);
  private size = 0;
  private find(s: string, p: number, e: number): { key: string; slot: number; purpose: string } | undefined {
    const len = e - p;
    const bucket = this.table[(s.charCodeAt(p) * 31 + s.charCodeAt(e - 1) * 7 + len) & 4095];
    if (bucket) for (let i = 0; i < bucket.length; i++) { const c = bucket[i]!; if (c.key.length === len && s.startsWith(c.key, p)) return c; }
    return undefined;
  }
  slot(s: string, p: number, e: number): number {
    if (e <= p) return IGNORE;
    const hit = this.find(s, p, e);
    if (hit) return hit.slot;
    const raw = s.slice(p, e);
    const lower = raw.trim().toLowerCase();
    let slot = SLOT_OF.get(lower);
    if (slot === undefined) slot = lower.startsWith('назначениеплатежа') ? PURPOSE : IGNORE;
    if (this.size < 4096) {
      this.size++;
      const h = (s.charCodeAt(p) * 31 + s.charCodeAt(e - 1) * 7 + (e - p)) & 4095;
      const c = { key: detach(raw), slot, purpose: slot === PURPOSE ? detach(lower) : '' };
      const bucket = this.table[h];
      if (bucket) bucket.push(c); else this.table[h] = [c];
    }
    return slot;
  }
  /** The lower-cased name of a purpose key (`назначениеплатежа1`...). */
  purposeName(s: string, p: number, e: number): string {
    return this.find(s, p, e)?.purpose || detach(s.slice(p, e).trim().toLowerCase());
  }
}

const FACTOR = 10n ** BigInt(MONEY_SCALE);
const PLAIN_AMOUNT = /^(\d{1,15})(?:[.,](\d{1,5}))?$/;

function amountOf(value: string | undefined, what: string, file: string, line: number): Money {
  const v = (value ?? '').trim();
  if (v === '') throw new StatementError('malformed', `${file}: line ${line}: ${what} is empty`, '1c');
  const m = PLAIN_AMOUNT.exec(v);
  if (m) return BigInt(m[1]!) * FACTOR + (m[2] ? BigInt((m[2] + '00000').slice(0, MONEY_SCALE)) : 0n);
  try {
    return parseMoney(v, decimalOf(v));
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${v}" is not an amount`, '1c');
    throw e;
  }
}

const isSpace = (c: number) => c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f;

/** One statement's documents, reduced to what a movement needs (strings detached from the file's text). */
interface Doc {
  type: string;
  number: string;
  date: string;
  sumText: string;
  amount: Money;
  payerAcct: string;
  payeeAcct: string;
  debited: string | undefined;
  credited: string | undefined;
  payerName: string | undefined;
  payeeName: string | undefined;
  payerInn: string | undefined;
  payeeInn: string | undefined;
  payerBic: string | undefined;
  payeeBic: string | undefined;
  purpose: string;
  line: number;
}

/** Parses a 1CClientBankExchange file into one statement per account it covers. */
export function parseOneC(chunks: Iterable<Uint8Array>, file: string): ParsedStatement[] {
  const { head, rest } = peekBytes(chunks, 64 * 1024);
  if (head.length === 0) throw new StatementError('empty', `${file}: the file is empty`, '1c');
  const encoding = detect1CEncoding(head);
  if (!encoding) throw new StatementError('malformed', `${file}: not readable as UTF-8, windows-1251 or cp866`, '1c');

  const keys = new KeySlots();
  const intern = new Interner();
  const dates = new Map<string, string | undefined>();
  const header: (string | undefined)[] = new Array<string | undefined>(SLOT_COUNT);
  const fields: (string | undefined)[] = new Array<string | undefined>(SLOT_COUNT);
  let purposeKeys: string[] = [];
  let purposeValues: string[] = [];
  const ownAccounts: string[] = [];
  const blocks: { account: string; block: BalanceBlock }[] = [];
  const docs: (Doc | undefined)[] = [];
  let state: 'start' | 'top' | 'account' | 'document' | 'end' = 'start';
  let docType = '';
  let docLine = 0;
  let lineNo = 0;

  const val = (f: (string | undefined)[], ...slots: number[]): string | undefined => {
    for (const s of slots) {
      const v = f[s];
      if (v !== undefined) {
        const t = v.trim();
        if (t !== '') return t;
      }
    }
    return undefined;
  };
  const dateOf = (value: string | undefined, what: string, line: number): string => {
    const raw = value ?? '';
    let d = dates.get(raw);
    if (d === undefined) {
      d = dmyToIso(raw);
      if (dates.size < 10_000) dates.set(detach(raw), d);
    }
    if (!d) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${raw}" is not a date DD.MM.YYYY`, '1c');
    return d;
  };
  const opt = (v: string | undefined) => (v === undefined ? undefined : intern.get(v));

  const finishDoc = () => {
    const f = fields;
    let purpose = '';
    if (purposeKeys.length === 1) purpose = purposeValues[0]!.trim();
    else if (purposeKeys.length > 1) {
      const order = purposeKeys.map((_, i) => i).sort((a, b) => purposeKeys[a]!.localeCompare(purposeKeys[b]!));
      purpose = order.map((i) => purposeValues[i]!.trim()).filter(Boolean).join(' ');
    }
    const sumText = val(f, F.sum);
    docs.push({
      type: intern.get(docType),
      number: intern.get(val(f, F.number) ?? ''),
      date: dateOf(val(f, F.date), 'Дата', docLine),
      sumText: intern.get(sumText ?? ''),
      amount: amountOf(sumText, 'Сумма', file, docLine),
      payerAcct: intern.get(val(f, F.payerAcct, F.payerRs) ?? ''),
      payeeAcct: intern.get(val(f, F.payeeAcct, F.payeeRs) ?? ''),
      debited: opt(val(f, F.debited)),
      credited: opt(val(f, F.credited)),
      payerName: opt(val(f, F.payer1, F.payer)),
      payeeName: opt(val(f, F.payee1, F.payee)),
      payerInn: opt(val(f, F.payerInn)),
      payeeInn: opt(val(f, F.payeeInn)),
      payerBic: opt(val(f, F.payerBic)),
      payeeBic: opt(val(f, F.payeeBic)),
      purpose: intern.get(purpose),
      line: docLine,
    });
  };

  const finishBlock = () => {
    const account = val(fields, F.account) ?? val(header, F.account) ?? '';
    const from = dateOf(val(fields, F.start), 'ДатаНачала', lineNo);
    const to = val(fields, F.end) ? dateOf(val(fields, F.end), 'ДатаКонца', lineNo) : from;
    const block: BalanceBlock = {
      from, to,
      opening: amountOf(val(fields, F.opening) ?? '0', 'НачальныйОстаток', file, lineNo),
      closing: amountOf(val(fields, F.closing), 'КонечныйОстаток', file, lineNo),
    };
    const tin = val(fields, F.totalIn);
    const tout = val(fields, F.totalOut);
    if (tin !== undefined) block.totalIn = amountOf(tin, 'ВсегоПоступило', file, lineNo);
    if (tout !== undefined) block.totalOut = amountOf(tout, 'ВсегоСписано', file, lineNo);
    const acct = intern.get(account);
    blocks.push({ account: acct, block });
    if (acct && !ownAccounts.includes(acct)) ownAccounts.push(acct);
  };

  const unexpected = (s: string, p: number, e: number) => new StatementError('malformed',
    `${file}: line ${lineNo}: "${s.slice(p, Math.min(e, p + 60))}" inside ${state === 'account' ? 'a balance block (СекцияРасчСчет) not closed by КонецРасчСчет' : state === 'document' ? 'a document not closed by КонецДокумента' : 'the header'}`, '1c');

  /** One line, given as [p, e) of `s`, already trimmed and not empty. */
  const onLine = (s: string, p: number, e: number, garbled: boolean) => {
    if (state === 'start') {
      const line = s.slice(p, e).replace(/^\ufeff/, '').trim();
      if (line !== ONEC_MAGIC) throw new StatementError('not_statement', `${file}: not a 1CClientBankExchange file (first line "${line.slice(0, 40)}")`, '1c');
      state = 'top';
      return;
    }
    if (garbled) {
      throw new StatementError('malformed', `${file}: line ${lineNo}: garbled text (unreadable characters): the file was damaged by a wrong re-encoding`, '1c');
    }
    let eq = s.indexOf('=', p);
    if (eq >= e) eq = -1;
    const slot = keys.slot(s, p, eq < 0 ? e : eq);
    switch (slot) {
      case SECTION_ACCOUNT:
        if (state !== 'top') throw unexpected(s, p, e);
        state = 'account';
        fields.fill(undefined);
        return;
      case END_ACCOUNT:
        if (state !== 'account') throw unexpected(s, p, e);
        finishBlock();
        state = 'top';
        return;
      case SECTION_DOC:
        if (state !== 'top') throw unexpected(s, p, e);
        state = 'document';
        docType = eq < 0 ? '' : s.slice(eq + 1, e).trim();
        docLine = lineNo;
        fields.fill(undefined);
        purposeKeys = [];
        purposeValues = [];
        return;
      case END_DOC:
        if (state !== 'document') throw unexpected(s, p, e);
        finishDoc();
        state = 'top';
        return;
      case END_FILE:
        if (state !== 'top') throw unexpected(s, p, e);
        state = 'end';
        return;
    }
    if (eq < 0) throw new StatementError('malformed', `${file}: line ${lineNo}: unrecognised line "${s.slice(p, Math.min(e, p + 60))}"`, '1c');
    if (slot === IGNORE) return;
    const value = s.slice(eq + 1, e);
    if (state === 'top') {
      if (slot === F.account) {
        const a = value.trim();
        if (a && !ownAccounts.includes(a)) ownAccounts.push(intern.get(a));
      }
      if (slot >= 0 && header[slot] === undefined) header[slot] = detach(value);
    } else if (slot === PURPOSE) {
      if (state !== 'document') return;
      const name = keys.purposeName(s, p, eq);
      const i = purposeKeys.indexOf(name);
      if (i < 0) { purposeKeys.push(name); purposeValues.push(value); }
      else purposeValues[i] = purposeValues[i] + ' ' + value;
    } else if (fields[slot] === undefined) fields[slot] = value;
  };

  // Lines are scanned in each decoded chunk; only a line cut by the chunk's end is carried over.
  let carry = '';
  const scan = (s: string, final: boolean) => {
    let garbledAt = s.indexOf('\ufffd');
    let p = 0;
    const n = s.length;
    for (;;) {
      let nl = s.indexOf('\n', p);
      if (nl < 0) {
        if (!final) { carry = s.slice(p); return; }
        if (p >= n) return;
        nl = n;
      }
      lineNo++;
      if (state !== 'end') {
        let a = p, z = nl;
        while (a < z && isSpace(s.charCodeAt(a))) a++;
        while (z > a && isSpace(s.charCodeAt(z - 1))) z--;
        if (a < z) {
          while (garbledAt >= 0 && garbledAt < a) garbledAt = s.indexOf('\ufffd', garbledAt + 1);
          onLine(s, a, z, garbledAt >= 0 && garbledAt < z);
        }
      }
      p = nl + 1;
      if (p > n || (final && p >= n)) return;
    }
  };
  for (const t of decodeChunks(restIterable(head, rest), encoding)) {
    if (t === '') continue;
    scan(carry + t, false);
  }
  scan(carry, true);

  if (state === 'start') throw new StatementError('not_statement', `${file}: not a 1CClientBankExchange file`, '1c');
  if (state !== 'end') {
    const where = state === 'document' ? 'inside a document' : state === 'account' ? 'inside a balance block' : 'after the last section';
    throw new StatementError('malformed', `${file}: truncated: the file ends ${where} without КонецФайла`, '1c');
  }
  if (ownAccounts.length === 0) throw new StatementError('malformed', `${file}: no РасчСчет: the statement does not say whose account it is`, '1c');

  const own = new Set(ownAccounts);
  const entriesBy = new Map<string, StatementEntry[]>(ownAccounts.map((a) => [a, []]));
  for (let k = 0; k < docs.length; k++) {
    const d = docs[k]!;
    docs[k] = undefined; // let each document go once it is an entry
    const { payerAcct, payeeAcct, debited, credited } = d;
    let sides: ('out' | 'in')[] = [];
    if (own.has(payerAcct)) sides.push('out');
    if (own.has(payeeAcct) && payeeAcct !== payerAcct) sides.push('in');
    if (sides.length === 0 && ownAccounts.length === 1) {
      if (debited && !credited) sides = ['out'];
      else if (credited && !debited) sides = ['in'];
    }
    if (sides.length === 0) {
      throw new StatementError('malformed', `${file}: line ${d.line}: document ${d.number || '(no number)'}: neither payer ${payerAcct || '(none)'} nor payee ${payeeAcct || '(none)'} is the statement's account`, '1c');
    }
    // `Номер` is not unique: the bank's id is the whole document's identity, kept as its hash (the key
    // dedup would derive from the long text anyway) so 100,000 entries do not hold 100,000 long strings.
    const bankId = shortHash(`${d.type}|${d.number}|${d.date}|${d.sumText}|${payerAcct}|${payeeAcct}`, 16);
    for (const side of sides) {
      const out = side === 'out';
      const ownAcct = out ? (own.has(payerAcct) ? payerAcct : ownAccounts[0]!) : (own.has(payeeAcct) ? payeeAcct : ownAccounts[0]!);
      const when = out ? debited : credited;
      const entry: StatementEntry = {
        bookingDate: when ? dateOf(when, out ? 'ДатаСписано' : 'ДатаПоступило', d.line) : d.date,
        valueDate: d.date,
        amount: out ? -d.amount : d.amount,
        direction: side,
        text: d.purpose,
        bankId,
        provisional: false,
      };
      if (d.number) entry.reference = d.number;
      const name = out ? d.payeeName : d.payerName;
      const acct = out ? payeeAcct : payerAcct;
      const inn = out ? d.payeeInn : d.payerInn;
      const bic = out ? d.payeeBic : d.payerBic;
      if (name) entry.counterpartyName = name;
      if (acct) entry.counterpartyAccount = acct;
      if (inn && inn !== '0') entry.counterpartyTaxId = inn;
      if (bic) entry.counterpartyBank = bic;
      entriesBy.get(ownAcct)!.push(entry);
    }
  }

  const hStart = val(header, F.start);
  const hEnd = val(header, F.end);
  return ownAccounts.map((account) => {
    const bl = blocks.filter((b) => b.account === account).map((b) => b.block).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    const entries = entriesBy.get(account)!;
    let start = hStart ? dmyToIso(hStart) : undefined;
    let end = hEnd ? dmyToIso(hEnd) : undefined;
    if (!start || !end) {
      for (const b of bl) { start = minDate(start, b.from); end = maxDate(end, b.to); }
      for (const e of entries) { start = minDate(start, e.bookingDate); end = maxDate(end, e.bookingDate); }
    }
    if (!start || !end) throw new StatementError('malformed', `${file}: no period (ДатаНачала/ДатаКонца) and nothing dated in it`, '1c');
    const st: ParsedStatement = {
      format: '1c',
      account,
      currency: currencyOfRuAccount(account) ?? 'RUB',
      periodStart: start,
      periodEnd: end,
      blocks: bl,
      entries,
      provisional: false,
      warnings: [],
    };
    const bank = val(header, F.sender);
    if (bank) st.bank = bank;
    if (bl.length > 0) {
      st.openingBalance = bl[0]!.opening;
      st.closingBalance = bl[bl.length - 1]!.closing;
    }
    return st;
  });
}
