// OFX 1.x (SGML: leaf tags are not closed) and 2.x (XML). One tokenizer reads both: a tag followed by
// text is a leaf, a tag followed by a tag opens an aggregate, and a closing tag closes whatever was left
// open inside it. Investment statements, account listings, sign-on and error responses are refused.
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import { StatementError, checkedIso, decimalOf, maxDate, minDate, type ParsedStatement, type StatementEntry } from '../model.ts';

interface El {
  name: string;
  text?: string;
  children: El[];
}

function decodeOfx(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 600));
  let enc = 'utf-8';
  const xmlEnc = /<\?xml[^>]*encoding=["']([^"']+)["']/i.exec(head);
  if (xmlEnc) enc = /ascii/i.test(xmlEnc[1]!) ? 'windows-1252' : xmlEnc[1]!;
  else {
    const charset = /CHARSET:\s*(\S+)/i.exec(head)?.[1];
    const encoding = /ENCODING:\s*(\S+)/i.exec(head)?.[1];
    if (encoding && /utf-?8/i.test(encoding)) enc = 'utf-8';
    else if (charset && /^\d+$/.test(charset)) enc = `windows-${charset}`;
    else enc = 'windows-1252';
  }
  try {
    return new TextDecoder(enc).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&nbsp;': ' ' };

function parseTree(text: string): El {
  const root: El = { name: '#root', children: [] };
  const stack: El[] = [root];
  const re = /<(\/?)([A-Za-z0-9._]+)(?:\s[^>]*)?>([^<]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const [, close, rawName, rawText] = m;
    const name = rawName!.toUpperCase();
    const value = rawText!.replace(/&[a-z]+;/g, (e) => ENTITIES[e] ?? e).trim();
    const top = stack[stack.length - 1]!;
    if (close) {
      // Close the named element and anything left open inside it (SGML leaves).
      const idx = stack.map((e) => e.name).lastIndexOf(name);
      if (idx > 0) stack.length = idx;
      continue;
    }
    const el: El = { name, children: [] };
    top.children.push(el);
    if (value !== '') el.text = value;
    else stack.push(el);
    if (value !== '') {
      // An XML leaf closes itself right after its text: skip that closing tag.
      const after = text.slice(re.lastIndex, re.lastIndex + name.length + 3).toUpperCase();
      if (after === `</${name}>`) re.lastIndex += name.length + 3;
    }
  }
  return root;
}

function find(el: El, name: string): El | undefined {
  for (const c of el.children) {
    if (c.name === name) return c;
    const r = find(c, name);
    if (r) return r;
  }
  return undefined;
}
function findAll(el: El, name: string, out: El[] = []): El[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    else findAll(c, name, out);
  }
  return out;
}
const leaf = (el: El | undefined, path: string): string | undefined => {
  let cur = el;
  for (const p of path.split('/')) {
    cur = cur?.children.find((c) => c.name === p);
    if (!cur) return undefined;
  }
  return cur?.text;
};

function ofxDate(v: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(v ?? '');
  if (!m) return undefined;
  const rest = (v ?? '').slice(8);
  if (rest && !/^(\d{4,6}(\.\d+)?)?(\[.*\])?(:\d+)?$/.test(rest)) return undefined;
  return checkedIso(m[1]!, m[2]!, m[3]!);
}

/** Whether the bytes are OFX (either version). */
export function looksLikeOfx(head: string): boolean {
  return /OFXHEADER\s*[:=]/i.test(head) || /<OFX>/i.test(head);
}

export function parseOfx(chunks: Iterable<Uint8Array>, file: string): ParsedStatement[] {
  const parts: Uint8Array[] = [];
  for (const c of chunks) parts.push(c);
  const bytes = Buffer.concat(parts);
  if (bytes.length === 0) throw new StatementError('empty', `${file}: the file is empty`, 'ofx');
  const text = decodeOfx(bytes);
  const start = text.search(/<OFX>/i);
  if (start < 0) throw new StatementError('not_statement', `${file}: not an OFX file (no <OFX> element)`, 'ofx');
  // CDATA sections become escaped text so the tokenizer sees one kind of leaf.
  const body = text.slice(start).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, c: string) => c.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  const tree = parseTree(body);
  const ofx = find(tree, 'OFX');
  if (!ofx) throw new StatementError('not_statement', `${file}: not an OFX file`, 'ofx');

  const statements = [...findAll(ofx, 'STMTRS'), ...findAll(ofx, 'CCSTMTRS')];
  if (statements.length === 0) {
    const errors = findAll(ofx, 'STATUS').filter((s) => (leaf(s, 'SEVERITY') ?? '').toUpperCase() === 'ERROR');
    if (errors.length) {
      const e = errors[0]!;
      throw new StatementError('not_statement', `${file}: an OFX error response, not a bank statement (code ${leaf(e, 'CODE') ?? '?'}: ${leaf(e, 'MESSAGE') ?? 'no message'})`, 'ofx');
    }
    if (find(ofx, 'INVSTMTRS')) throw new StatementError('not_statement', `${file}: an OFX investment statement, not a bank statement`, 'ofx');
    if (find(ofx, 'ACCTINFORS')) throw new StatementError('not_statement', `${file}: an OFX account listing, not a bank statement`, 'ofx');
    if (find(ofx, 'SONRS')) throw new StatementError('not_statement', `${file}: an OFX sign-on response without a statement`, 'ofx');
    throw new StatementError('empty', `${file}: OFX without any statement`, 'ofx');
  }

  return statements.map((st, i) => {
    const where = `${file}: statement ${i + 1}`;
    const acctFrom = st.children.find((c) => c.name === 'BANKACCTFROM' || c.name === 'CCACCTFROM');
    const account = leaf(acctFrom, 'ACCTID');
    if (!account) throw new StatementError('malformed', `${where}: no account (ACCTID)`, 'ofx');
    const list = find(st, 'BANKTRANLIST');
    const entries: StatementEntry[] = [];
    let currency = leaf(st, 'CURDEF');
    const money = (v: string | undefined, what: string): Money => {
      const s = (v ?? '').trim();
      if (!s) throw new StatementError('malformed', `${where}: ${what} is empty`, 'ofx');
      try {
        return parseMoney(s, decimalOf(s));
      } catch (e) {
        if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${where}: ${what} "${s}" is not an amount`, 'ofx');
        throw e;
      }
    };
    let first: string | undefined, last: string | undefined;
    for (const [n, t] of (list ? findAll(list, 'STMTTRN') : []).entries()) {
      const fitid = leaf(t, 'FITID');
      const label = `transaction ${n + 1}${fitid ? ` (FITID ${fitid})` : ''}`;
      const posted = leaf(t, 'DTPOSTED');
      if (!posted) throw new StatementError('malformed', `${where}: ${label} has no DTPOSTED`, 'ofx');
      const date = ofxDate(posted);
      if (!date) throw new StatementError('malformed', `${where}: ${label}: DTPOSTED "${posted}" is not a date`, 'ofx');
      const amount = money(leaf(t, 'TRNAMT'), `${label}: TRNAMT`);
      const name = leaf(t, 'NAME') ?? leaf(t, 'PAYEE/NAME');
      const memo = leaf(t, 'MEMO');
      const e: StatementEntry = {
        bookingDate: date,
        amount,
        direction: amount >= 0n ? 'in' : 'out',
        text: [name, memo].filter((x): x is string => !!x).filter((x, k, a) => a.indexOf(x) === k).join(' '),
        provisional: false,
      };
      const user = ofxDate(leaf(t, 'DTUSER'));
      if (user) e.valueDate = user;
      if (fitid) e.bankId = fitid;
      const ref = leaf(t, 'CHECKNUM') ?? leaf(t, 'REFNUM');
      if (ref) e.reference = ref;
      if (name) e.counterpartyName = name;
      const to = leaf(t, 'BANKACCTTO/ACCTID') ?? leaf(t, 'CCACCTTO/ACCTID');
      if (to) e.counterpartyAccount = to;
      currency ??= leaf(t, 'CURRENCY/CURSYM') ?? leaf(t, 'ORIGCURRENCY/CURSYM');
      entries.push(e);
      first = minDate(first, date);
      last = maxDate(last, date);
    }
    if (!currency) throw new StatementError('malformed', `${where}: no currency (CURDEF)`, 'ofx');
    const asOf = ofxDate(leaf(st, 'LEDGERBAL/DTASOF'));
    const start = ofxDate(leaf(list, 'DTSTART')) ?? first ?? asOf;
    const end = ofxDate(leaf(list, 'DTEND')) ?? last ?? asOf;
    if (!start || !end) throw new StatementError('malformed', `${where}: no period (DTSTART/DTEND) and no transactions`, 'ofx');
    const out: ParsedStatement = {
      format: 'ofx', account, currency, periodStart: start, periodEnd: end, blocks: [], entries, provisional: false, warnings: [],
    };
    const bank = leaf(acctFrom, 'BANKID');
    if (bank) out.bank = bank;
    const ledger = st.children.find((c) => c.name === 'LEDGERBAL');
    if (ledger) {
      const amt = leaf(ledger, 'BALAMT');
      const asof = leaf(ledger, 'DTASOF');
      // A dated balance without an amount is a broken file; an empty aggregate just means none.
      if (asof && !amt) throw new StatementError('malformed', `${where}: LEDGERBAL dated ${asof} has no amount`, 'ofx');
      if (amt) out.closingBalance = money(amt, 'LEDGERBAL/BALAMT');
    }
    for (const e of entries) {
      if (e.bookingDate < start || e.bookingDate > end) out.warnings.push(`${e.bankId ?? e.bookingDate} is dated outside the statement period ${start}..${end}`);
    }
    return out;
  });
}
