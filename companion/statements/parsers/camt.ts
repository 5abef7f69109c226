// ISO 20022 CAMT.053 (statement) and CAMT.052 (intraday report), versions .01 to .13, read with a
// streaming SAX parser so a 20,000-entry file never becomes a tree. CAMT.054 notifications are
// recognised and refused: they report single movements, not a statement with balances.
import { SaxesParser } from 'saxes';
import { parseMoney, MoneyFormatError, type Money } from '../../../contract/money.ts';
import {
  StatementError, checkedIso, decodeChunks, maxDate, minDate, peekBytes, restIterable,
  type BalanceBlock, type ParsedStatement, type StatementEntry,
} from '../model.ts';

interface Bal { code?: string; amount?: string; ccy?: string; ind?: string; date?: string }
interface Tx {
  amount?: string; ccy?: string; ind?: string; acctSvcrRef?: string; endToEnd?: string;
  dbtrName?: string; dbtrAcct?: string; dbtrId?: string; dbtrIdScheme?: string;
  cdtrName?: string; cdtrAcct?: string; cdtrId?: string; cdtrIdScheme?: string;
  dbtrBic?: string; cdtrBic?: string;
  ustrd: string[]; strdRef?: string; addtl?: string;
}
interface Ntry {
  amount?: string; ccy?: string; ind?: string; status?: string; booking?: string; value?: string;
  acctSvcrRef?: string; ntryRef?: string; addtl?: string; reversal?: boolean; txs: Tx[];
}
interface Stmt {
  id?: string; iban?: string; other?: string; ccy?: string; bic?: string; from?: string; to?: string; created?: string;
  bals: Bal[]; entries: StatementEntry[]; warnings: string[];
}

const NS_RE = /urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})/;

function isoDate(text: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec((text ?? '').trim());
  return m ? checkedIso(m[1]!, m[2]!, m[3]!) : undefined;
}

function xmlEncoding(head: Uint8Array): string {
  const decl = /^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9_-]+)["']/.exec(new TextDecoder('latin1').decode(head.subarray(0, 200)));
  return decl ? decl[1]!.toLowerCase() : 'utf-8';
}

/** Whether a party id looks like a tax id: a scheme that says so, or a Russian INN's 10/12 digits. */
function taxIdOf(id: string | undefined, scheme: string | undefined): string | undefined {
  if (!id) return undefined;
  const s = (scheme ?? '').toUpperCase();
  if (s === 'TXID' || s === 'INN' || /^\d{10}$|^\d{12}$/.test(id)) return id;
  return undefined;
}

export function parseCamt(chunks: Iterable<Uint8Array>, file: string): ParsedStatement[] {
  const { head, rest } = peekBytes(chunks, 4096);
  if (head.length === 0) throw new StatementError('empty', `${file}: the file is empty`, 'camt.053');
  const sax = new SaxesParser({ xmlns: false, position: false });
  const out: ParsedStatement[] = [];
  const stack: string[] = [];
  let msgType: '052' | '053' | '054' | undefined;
  let version = 0;
  let sawRoot = false;
  let stmt: Stmt | undefined; let stmtDepth = -1;
  let bal: Bal | undefined; let balDepth = -1;
  let ntry: Ntry | undefined; let ntryDepth = -1;
  let tx: Tx | undefined; let txDepth = -1;
  let text = '';
  let ccyAttr: string | undefined;
  let ccyFallback: string | undefined;

  const money = (v: string | undefined, what: string): Money => {
    // The schema allows digits and one decimal point only: anything else is a damaged file.
    if (!/^\s*\d{1,18}(\.\d{1,5})?\s*$/.test(v ?? '')) throw new StatementError('malformed', `${file}: ${what} "${v ?? ''}" is not an amount`, 'camt.053');
    try {
      return parseMoney(v ?? '', '.');
    } catch (e) {
      if (e instanceof MoneyFormatError) throw new StatementError('malformed', `${file}: ${what} "${v ?? ''}" is not an amount`, 'camt.053');
      throw e;
    }
  };

  const finishNtry = (n: Ntry, s: Stmt) => {
    if (n.amount === undefined) throw new StatementError('malformed', `${file}: an entry (Ntry) has no Amt`, 'camt.053');
    if (n.ind !== 'CRDT' && n.ind !== 'DBIT') throw new StatementError('malformed', `${file}: an entry (Ntry) has no CdtDbtInd`, 'camt.053');
    // An intraday report may list an entry before it has any date: it is dated by the report.
    const booking = n.booking ?? n.value ?? (msgType === '052' ? s.created : undefined);
    if (msgType === '052' && !n.booking && !n.value && booking) s.warnings.push(`an undated entry is dated by the report (${booking})`);
    if (!booking) throw new StatementError('malformed', `${file}: an entry (Ntry ${n.acctSvcrRef ?? n.ntryRef ?? ''}) has no booking or value date`, 'camt.053');
    const total = money(n.amount, 'entry amount');
    const sign = n.ind === 'CRDT' ? 1n : -1n;
    const status = (n.status ?? 'BOOK').toUpperCase();
    const provisional = msgType === '052' || status !== 'BOOK';
    // A batch entry is split when every transaction carries its own amount and they add up.
    let parts: { tx: Tx | undefined; amount: Money; ref: string | undefined }[] = [];
    if (n.txs.length > 1 && n.txs.every((t) => t.amount !== undefined)) {
      const amounts = n.txs.map((t) => money(t.amount, 'transaction amount') * (t.ind === undefined ? sign : t.ind === 'CRDT' ? 1n : -1n));
      if (amounts.reduce((a, b) => a + b, 0n) === total * sign) {
        parts = n.txs.map((t, i) => ({ tx: t, amount: amounts[i]!, ref: t.acctSvcrRef ?? (n.acctSvcrRef ? `${n.acctSvcrRef}/${i + 1}` : undefined) }));
      }
    }
    if (parts.length === 0) {
      const only = n.txs.length === 1 ? n.txs[0] : undefined;
      parts = [{ tx: only, amount: total * sign, ref: n.acctSvcrRef ?? only?.acctSvcrRef }];
      if (n.txs.length > 1) s.warnings.push(`entry ${n.acctSvcrRef ?? n.ntryRef ?? booking} is a batch of ${n.txs.length} kept as one movement`);
    }
    for (const p of parts) {
      const t = p.tx;
      const incoming = p.amount >= 0n;
      const e: StatementEntry = {
        bookingDate: booking,
        amount: p.amount,
        direction: incoming ? 'in' : 'out',
        text: [...(t?.ustrd ?? []), t?.strdRef, t?.addtl, n.addtl].filter((x): x is string => !!x && x.trim() !== '').map((x) => x.trim()).filter((x, i, a) => a.indexOf(x) === i).join(' '),
        provisional,
      };
      if (n.value) e.valueDate = n.value;
      if (p.ref) e.bankId = p.ref;
      const ref = t?.endToEnd && t.endToEnd !== 'NOTPROVIDED' ? t.endToEnd : n.ntryRef;
      if (ref) e.reference = ref;
      const name = incoming ? t?.dbtrName : t?.cdtrName;
      const acct = incoming ? t?.dbtrAcct : t?.cdtrAcct;
      const taxId = incoming ? taxIdOf(t?.dbtrId, t?.dbtrIdScheme) : taxIdOf(t?.cdtrId, t?.cdtrIdScheme);
      const bic = incoming ? t?.dbtrBic : t?.cdtrBic;
      if (name) e.counterpartyName = name.trim();
      if (acct) {
        e.counterpartyAccount = acct;
        if (/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(acct)) e.counterpartyIban = acct;
      }
      if (taxId) e.counterpartyTaxId = taxId;
      if (bic) e.counterpartyBank = bic;
      s.entries.push(e);
    }
  };

  const finishStmt = (s: Stmt) => {
    const account = s.iban ?? s.other;
    if (!account) throw new StatementError('malformed', `${file}: statement ${s.id ?? ''} has no account (Acct/Id/IBAN or Othr/Id)`, 'camt.053');
    const bals = s.bals.map((b) => ({ ...b, value: b.amount === undefined ? undefined : money(b.amount, 'balance') * (b.ind === 'DBIT' ? -1n : 1n) }));
    const find = (...codes: string[]) => { for (const c of codes) { const b = bals.find((x) => x.code === c && x.value !== undefined); if (b) return b; } return undefined; };
    const opening = find('OPBD', 'PRCD');
    const closing = msgType === '052' ? find('CLBD', 'ITBD') : find('CLBD');
    const currency = s.ccy ?? bals.find((b) => b.ccy)?.ccy ?? ccyFallback;
    if (!currency) throw new StatementError('malformed', `${file}: statement ${s.id ?? ''} names no currency`, 'camt.053');
    let start = s.from, end = s.to;
    if (!start || !end) {
      let a: string | undefined, z: string | undefined;
      for (const e of s.entries) { a = minDate(a, e.bookingDate); z = maxDate(z, e.bookingDate); }
      for (const b of bals) if (b.date) { a = minDate(a, b.date); z = maxDate(z, b.date); }
      if (!a && s.created) a = z = s.created;
      start ??= a; end ??= z;
    }
    if (!start || !end) throw new StatementError('malformed', `${file}: statement ${s.id ?? ''} has no period and nothing dated`, 'camt.053');
    const st: ParsedStatement = {
      format: msgType === '052' ? 'camt.052' : 'camt.053',
      account,
      currency,
      periodStart: start,
      periodEnd: end,
      blocks: [],
      entries: s.entries,
      provisional: msgType === '052',
      warnings: s.warnings,
    };
    if (s.bic) st.bank = s.bic;
    if (opening) st.openingBalance = opening.value!;
    if (closing) st.closingBalance = closing.value!;
    if (opening && closing) {
      const block: BalanceBlock = { from: opening.date ?? start, to: closing.date ?? end, opening: opening.value!, closing: closing.value! };
      const other = [opening.ccy, closing.ccy].find((c) => c && c !== currency);
      if (other) block.currency = other;
      st.blocks.push(block);
    }
    out.push(st);
  };

  sax.on('opentag', (node) => {
    const name = node.name.includes(':') ? node.name.slice(node.name.indexOf(':') + 1) : node.name;
    if (!sawRoot) {
      sawRoot = true;
      const attrs = node.attributes as Record<string, string>;
      const ns = Object.entries(attrs).find(([k]) => k === 'xmlns' || k.startsWith('xmlns:'))?.[1] ?? '';
      const all = Object.values(attrs).map((v) => NS_RE.exec(v)).find((m) => m);
      const m = NS_RE.exec(ns) ?? all;
      if (name !== 'Document' || !m) throw new StatementError('not_statement', `${file}: not an ISO 20022 CAMT document (root <${name}>)`, 'camt.053');
      msgType = m[1] as '052' | '053' | '054';
      version = Number(m[2]);
      if (msgType === '054') throw new StatementError('not_statement', `${file}: CAMT.054 is a debit/credit notification, not a bank statement`, 'camt.054');
    }
    stack.push(name);
    text = '';
    ccyAttr = (node.attributes as Record<string, string>).Ccy ?? ccyAttr;
    const d = stack.length - 1;
    const parent = stack[d - 1];
    if (name.startsWith('BkToCstmrDbtCdtNtfctn')) throw new StatementError('not_statement', `${file}: CAMT.054 is a debit/credit notification, not a bank statement`, 'camt.054');
    if ((name === 'Stmt' || name === 'Rpt') && parent !== undefined && /^BkToCstmr(Stmt|AcctRpt)(V\d+)?$/.test(parent)) {
      stmt = { bals: [], entries: [], warnings: [] }; stmtDepth = d;
    } else if (stmt && name === 'Bal' && d === stmtDepth + 1) { bal = {}; balDepth = d; }
    else if (stmt && name === 'Ntry' && d === stmtDepth + 1) { ntry = { txs: [] }; ntryDepth = d; }
    else if (ntry && name === 'TxDtls') { tx = { ustrd: [] }; txDepth = d; ntry.txs.push(tx); }
    if (name === 'Amt') ccyAttr = (node.attributes as Record<string, string>).Ccy;
  });
  sax.on('text', (t) => { text += t; });
  sax.on('cdata', (t) => { text += t; });
  sax.on('closetag', () => {
    const d = stack.length - 1;
    const v = text.trim();
    text = '';
    if (tx && d >= txDepth) {
      const rel = stack.slice(txDepth + 1).join('/');
      if (d === txDepth) tx = undefined;
      else switch (rel) {
        case 'Refs/AcctSvcrRef': tx.acctSvcrRef = v; break;
        case 'Refs/EndToEndId': tx.endToEnd = v; break;
        case 'Amt': case 'AmtDtls/TxAmt/Amt': if (tx.amount === undefined) { tx.amount = v; tx.ccy = ccyAttr; } break;
        case 'CdtDbtInd': tx.ind = v; break;
        case 'RltdPties/Dbtr/Nm': case 'RltdPties/Dbtr/Pty/Nm': tx.dbtrName = v; break;
        case 'RltdPties/Cdtr/Nm': case 'RltdPties/Cdtr/Pty/Nm': tx.cdtrName = v; break;
        case 'RltdPties/DbtrAcct/Id/IBAN': case 'RltdPties/DbtrAcct/Id/Othr/Id': case 'RltdPties/DbtrAcct/Id/PrtryAcct/Id': case 'RltdPties/DbtrAcct/Id/BBAN': tx.dbtrAcct = v; break;
        case 'RltdPties/CdtrAcct/Id/IBAN': case 'RltdPties/CdtrAcct/Id/Othr/Id': case 'RltdPties/CdtrAcct/Id/PrtryAcct/Id': case 'RltdPties/CdtrAcct/Id/BBAN': tx.cdtrAcct = v; break;
        case 'RltdPties/Dbtr/Id/OrgId/Othr/Id': case 'RltdPties/Dbtr/Pty/Id/OrgId/Othr/Id': tx.dbtrId = v; break;
        case 'RltdPties/Cdtr/Id/OrgId/Othr/Id': case 'RltdPties/Cdtr/Pty/Id/OrgId/Othr/Id': tx.cdtrId = v; break;
        case 'RltdPties/Dbtr/Id/OrgId/Othr/SchmeNm/Cd': case 'RltdPties/Dbtr/Pty/Id/OrgId/Othr/SchmeNm/Cd': tx.dbtrIdScheme = v; break;
        case 'RltdPties/Cdtr/Id/OrgId/Othr/SchmeNm/Cd': case 'RltdPties/Cdtr/Pty/Id/OrgId/Othr/SchmeNm/Cd': tx.cdtrIdScheme = v; break;
        case 'RltdAgts/DbtrAgt/FinInstnId/BIC': case 'RltdAgts/DbtrAgt/FinInstnId/BICFI': tx.dbtrBic = v; break;
        case 'RltdAgts/CdtrAgt/FinInstnId/BIC': case 'RltdAgts/CdtrAgt/FinInstnId/BICFI': tx.cdtrBic = v; break;
        case 'RmtInf/Ustrd': if (v) tx.ustrd.push(v); break;
        case 'RmtInf/Strd/CdtrRefInf/Ref': tx.strdRef = v; break;
        case 'AddtlTxInf': tx.addtl = v; break;
      }
    } else if (ntry && d >= ntryDepth) {
      const rel = stack.slice(ntryDepth + 1).join('/');
      if (d === ntryDepth) { finishNtry(ntry, stmt!); ntry = undefined; }
      else switch (rel) {
        case 'Amt': ntry.amount = v; ntry.ccy = ccyAttr; if (!ccyFallback) ccyFallback = ccyAttr; break;
        case 'CdtDbtInd': ntry.ind = v; break;
        case 'RvslInd': ntry.reversal = v === 'true'; break;
        case 'Sts': case 'Sts/Cd': case 'Sts/Prtry': if (v) ntry.status = v; break;
        case 'BookgDt/Dt': case 'BookgDt/DtTm': ntry.booking = isoDate(v); break;
        case 'ValDt/Dt': case 'ValDt/DtTm': ntry.value = isoDate(v); break;
        case 'AcctSvcrRef': ntry.acctSvcrRef = v; break;
        case 'NtryRef': ntry.ntryRef = v; break;
        case 'AddtlNtryInf': ntry.addtl = v; break;
      }
    } else if (bal && d >= balDepth) {
      const rel = stack.slice(balDepth + 1).join('/');
      if (d === balDepth) { stmt!.bals.push(bal); bal = undefined; }
      else switch (rel) {
        case 'Tp/CdOrPrtry/Cd': case 'Tp/CdOrPrtry/Prtry': bal.code = v; break;
        case 'Amt': bal.amount = v; bal.ccy = ccyAttr; break;
        case 'CdtDbtInd': bal.ind = v; break;
        case 'Dt/Dt': case 'Dt/DtTm': bal.date = isoDate(v); break;
      }
    } else if (stmt && d >= stmtDepth) {
      const rel = stack.slice(stmtDepth + 1).join('/');
      if (d === stmtDepth) { finishStmt(stmt); stmt = undefined; }
      else switch (rel) {
        case 'Id': stmt.id = v; break;
        case 'CreDtTm': stmt.created = isoDate(v); break;
        case 'Acct/Id/IBAN': stmt.iban = v.replace(/\s+/g, ''); break;
        case 'Acct/Id/Othr/Id': case 'Acct/Id/PrtryAcct/Id': case 'Acct/Id/BBAN': stmt.other = v; break;
        case 'Acct/Ccy': stmt.ccy = v; break;
        case 'Acct/Svcr/FinInstnId/BIC': case 'Acct/Svcr/FinInstnId/BICFI': stmt.bic = v; break;
        case 'FrToDt/FrDtTm': case 'FrToDt/FrDt': stmt.from = isoDate(v); break;
        case 'FrToDt/ToDtTm': case 'FrToDt/ToDt': stmt.to = isoDate(v); break;
      }
    }
    stack.pop();
  });

  try {
    for (const t of decodeChunks(restIterable(head, rest), xmlEncoding(head))) if (t) sax.write(t);
    sax.close();
  } catch (e) {
    if (e instanceof StatementError) throw e;
    throw new StatementError('malformed', `${file}: broken XML: ${(e as Error).message.split('\n')[0]}`, 'camt.053');
  }
  if (!sawRoot) throw new StatementError('not_statement', `${file}: no XML document`, 'camt.053');
  if (version < 1 || version > 13) out.forEach((s) => s.warnings.push(`CAMT version .${String(version).padStart(2, '0')} is outside .01-.13`));
  if (out.length === 0) throw new StatementError('empty', `${file}: CAMT.${msgType} without any statement (no Stmt/Rpt)`, msgType === '052' ? 'camt.052' : 'camt.053');
  return out;
}
