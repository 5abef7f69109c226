// 1CClientBankExchange: `Key=Value` lines in a header, balance blocks (`СекцияРасчСчет`) and documents
// (`СекцияДокумент`), closed by `КонецФайла`. There is no direction field: it follows from which side's
// account is the statement's own. The encoding is read from the content (the `Кодировка` line lies).
import { parseMoney, MoneyFormatError, type Money } from '../../../contract/money.ts';
import {
  StatementError, currencyOfRuAccount, decodeChunks, dmyToIso, linesOf, maxDate, minDate, peekBytes, restIterable,
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

type Fields = Map<string, string>;

interface RawDoc {
  type: string;
  fields: Fields;
  line: number;
}

function amountOf(value: string | undefined, what: string, file: string, line: number): Money {
  const v = (value ?? '').trim();
  if (v === '') throw new StatementError('malformed', `${file}: line ${line}: ${what} is empty`, '1c');
  try {
    return parseMoney(v, v.includes(',') && !v.includes('.') ? ',' : '.');
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${v}" is not an amount`, '1c');
    throw e;
  }
}

function dateOf(value: string | undefined, what: string, file: string, line: number): string {
  const d = dmyToIso(value ?? '');
  if (!d) throw new StatementError('malformed', `${file}: line ${line}: ${what} "${value ?? ''}" is not a date DD.MM.YYYY`, '1c');
  return d;
}

const get = (f: Fields, ...keys: string[]): string | undefined => {
  for (const k of keys) {
    const v = f.get(k);
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
};

/** Parses a 1CClientBankExchange file into one statement per account it covers. */
export function parseOneC(chunks: Iterable<Uint8Array>, file: string): ParsedStatement[] {
  const { head, rest } = peekBytes(chunks, 64 * 1024);
  if (head.length === 0) throw new StatementError('empty', `${file}: the file is empty`, '1c');
  const encoding = detect1CEncoding(head);
  if (!encoding) throw new StatementError('malformed', `${file}: not readable as UTF-8, windows-1251 or cp866`, '1c');

  const header: Fields = new Map();
  const ownAccounts: string[] = [];
  const blocks: { account: string; block: BalanceBlock }[] = [];
  const docs: RawDoc[] = [];
  let state: 'start' | 'top' | 'account' | 'document' | 'end' = 'start';
  let current: Fields = header;
  let docType = '';
  let docLine = 0;
  let lineNo = 0;

  for (const raw of linesOf(decodeChunks(restIterable(head, rest), encoding))) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\ufeff/, '').trim() : raw.trim();
    if (state === 'end') continue;
    if (line === '') continue;
    if (state === 'start') {
      if (line !== ONEC_MAGIC) throw new StatementError('not_statement', `${file}: not a 1CClientBankExchange file (first line "${line.slice(0, 40)}")`, '1c');
      state = 'top';
      continue;
    }
    if (line.includes('\ufffd')) {
      throw new StatementError('malformed', `${file}: line ${lineNo}: garbled text (unreadable characters): the file was damaged by a wrong re-encoding`, '1c');
    }
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : line.slice(eq + 1);
    const unexpected = () => new StatementError('malformed',
      `${file}: line ${lineNo}: "${line.slice(0, 60)}" inside ${state === 'account' ? 'a balance block (СекцияРасчСчет) not closed by КонецРасчСчет' : state === 'document' ? 'a document not closed by КонецДокумента' : 'the header'}`, '1c');
    if (key === 'секциярасчсчет') {
      if (state !== 'top') throw unexpected();
      state = 'account';
      current = new Map();
      continue;
    }
    if (key === 'конецрасчсчет') {
      if (state !== 'account') throw unexpected();
      const account = get(current, 'расчсчет') ?? get(header, 'расчсчет') ?? '';
      const from = dateOf(get(current, 'датаначала'), 'ДатаНачала', file, lineNo);
      const to = get(current, 'датаконца') ? dateOf(get(current, 'датаконца'), 'ДатаКонца', file, lineNo) : from;
      const block: BalanceBlock = {
        from, to,
        opening: amountOf(get(current, 'начальныйостаток') ?? '0', 'НачальныйОстаток', file, lineNo),
        closing: amountOf(get(current, 'конечныйостаток'), 'КонечныйОстаток', file, lineNo),
      };
      const tin = get(current, 'всегопоступило');
      const tout = get(current, 'всегосписано');
      if (tin !== undefined) block.totalIn = amountOf(tin, 'ВсегоПоступило', file, lineNo);
      if (tout !== undefined) block.totalOut = amountOf(tout, 'ВсегоСписано', file, lineNo);
      blocks.push({ account, block });
      if (account && !ownAccounts.includes(account)) ownAccounts.push(account);
      state = 'top';
      current = header;
      continue;
    }
    if (key === 'секциядокумент') {
      if (state !== 'top') throw unexpected();
      state = 'document';
      docType = value.trim();
      docLine = lineNo;
      current = new Map();
      continue;
    }
    if (key === 'конецдокумента') {
      if (state !== 'document') throw unexpected();
      docs.push({ type: docType, fields: current, line: docLine });
      state = 'top';
      current = header;
      continue;
    }
    if (key === 'конецфайла') {
      if (state !== 'top') throw unexpected();
      state = 'end';
      continue;
    }
    if (eq < 0) throw new StatementError('malformed', `${file}: line ${lineNo}: unrecognised line "${line.slice(0, 60)}"`, '1c');
    if (state === 'top') {
      if (key === 'расчсчет' && value.trim() && !ownAccounts.includes(value.trim())) ownAccounts.push(value.trim());
      if (!header.has(key)) header.set(key, value);
    } else if (!current.has(key)) current.set(key, value);
    else if (key.startsWith('назначениеплатежа')) current.set(key, current.get(key) + ' ' + value);
  }
  if (state === 'start') throw new StatementError('not_statement', `${file}: not a 1CClientBankExchange file`, '1c');
  if (state !== 'end') {
    const where = state === 'document' ? 'inside a document' : state === 'account' ? 'inside a balance block' : 'after the last section';
    throw new StatementError('malformed', `${file}: truncated: the file ends ${where} without КонецФайла`, '1c');
  }
  if (ownAccounts.length === 0) throw new StatementError('malformed', `${file}: no РасчСчет: the statement does not say whose account it is`, '1c');

  const own = new Set(ownAccounts);
  const entriesBy = new Map<string, StatementEntry[]>(ownAccounts.map((a) => [a, []]));
  for (const d of docs) {
    const f = d.fields;
    const number = get(f, 'номер') ?? '';
    const date = dateOf(get(f, 'дата'), 'Дата', file, d.line);
    const amount = amountOf(get(f, 'сумма'), 'Сумма', file, d.line);
    const payerAcct = get(f, 'плательщиксчет', 'плательщикрасчсчет') ?? '';
    const payeeAcct = get(f, 'получательсчет', 'получательрасчсчет') ?? '';
    const debited = get(f, 'датасписано');
    const credited = get(f, 'датапоступило');
    let sides: ('out' | 'in')[] = [];
    if (own.has(payerAcct)) sides.push('out');
    if (own.has(payeeAcct) && payeeAcct !== payerAcct) sides.push('in');
    if (sides.length === 0 && ownAccounts.length === 1) {
      if (debited && !credited) sides = ['out'];
      else if (credited && !debited) sides = ['in'];
    }
    if (sides.length === 0) {
      throw new StatementError('malformed', `${file}: line ${d.line}: document ${number || '(no number)'}: neither payer ${payerAcct || '(none)'} nor payee ${payeeAcct || '(none)'} is the statement's account`, '1c');
    }
    const purpose = [...f.entries()].filter(([k]) => k.startsWith('назначениеплатежа')).sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v.trim()).filter(Boolean).join(' ');
    const bankId = `${d.type}|${number}|${date}|${get(f, 'сумма')}|${payerAcct}|${payeeAcct}`;
    for (const side of sides) {
      const p = side === 'out' ? 'получатель' : 'плательщик';
      const ownAcct = side === 'out' ? (own.has(payerAcct) ? payerAcct : ownAccounts[0]!) : (own.has(payeeAcct) ? payeeAcct : ownAccounts[0]!);
      const when = side === 'out' ? debited : credited;
      const entry: StatementEntry = {
        bookingDate: when ? dateOf(when, side === 'out' ? 'ДатаСписано' : 'ДатаПоступило', file, d.line) : date,
        valueDate: date,
        amount: side === 'out' ? -amount : amount,
        direction: side,
        text: purpose,
        bankId,
        provisional: false,
      };
      if (number) entry.reference = number;
      const name = get(f, p + '1', p);
      const acct = side === 'out' ? payeeAcct : payerAcct;
      const inn = get(f, p + 'инн');
      const bic = get(f, p + 'бик');
      if (name) entry.counterpartyName = name;
      if (acct) entry.counterpartyAccount = acct;
      if (inn && inn !== '0') entry.counterpartyTaxId = inn;
      if (bic) entry.counterpartyBank = bic;
      entriesBy.get(ownAcct)!.push(entry);
    }
  }

  const hStart = get(header, 'датаначала');
  const hEnd = get(header, 'датаконца');
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
    const bank = get(header, 'отправитель');
    if (bank) st.bank = bank;
    if (bl.length > 0) {
      st.openingBalance = bl[0]!.opening;
      st.closingBalance = bl[bl.length - 1]!.closing;
    }
    return st;
  });
}
