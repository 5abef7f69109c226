import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../../contract/money.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { parseCamt } from './camt.ts';

const IBAN = 'DE89370400440532013000';
const NORDLICHT = 'DE44500105175407324931';

function doc(msg: '052' | '053' | '054', version: string, body: string): string {
  const root = { '052': 'BkToCstmrAcctRpt', '053': 'BkToCstmrStmt', '054': 'BkToCstmrDbtCdtNtfctn' }[msg];
  const inner = { '052': 'Rpt', '053': 'Stmt', '054': 'Ntfctn' }[msg];
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${msg}.001.${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <${root}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-26T07:00:00</CreDtTm></GrpHdr>
  <${inner}>${body}</${inner}>
 </${root}>
</Document>`;
}

const bal = (code: string, amt: string, ind: 'CRDT' | 'DBIT', date: string) =>
  `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;

const acct = (id: string, ccy = 'EUR') => `<Acct><Id>${id}</Id><Ccy>${ccy}</Ccy><Svcr><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></Svcr></Acct>`;

/** Kestrel's EUR account in November: the design fee from Nordlicht in, a transfer to the RUB account out. */
const NOVEMBER = `<Id>S-2026-11</Id><CreDtTm>2026-11-26T06:00:00</CreDtTm>
  <FrToDt><FrDtTm>2026-11-01T00:00:00</FrDtTm><ToDtTm>2026-11-25T23:59:59</ToDtTm></FrToDt>
  ${acct(`<IBAN>${IBAN}</IBAN>`)}
  ${bal('OPBD', '1000.00', 'CRDT', '2026-11-01')}${bal('CLBD', '2800.00', 'CRDT', '2026-11-25')}
  <Ntry><NtryRef>N1</NtryRef><Amt Ccy="EUR">6800.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
   <BookgDt><Dt>2026-11-10</Dt></BookgDt><ValDt><Dt>2026-11-11</Dt></ValDt><AcctSvcrRef>CB-1001</AcctSvcrRef>
   <NtryDtls><TxDtls><Refs><EndToEndId>INV-2026-031</EndToEndId></Refs>
    <RltdPties><Dbtr><Nm>Nordlicht GmbH</Nm></Dbtr><DbtrAcct><Id><IBAN>${NORDLICHT}</IBAN></Id></DbtrAcct></RltdPties>
    <RltdAgts><DbtrAgt><FinInstnId><BIC>MARKDEF1500</BIC></FinInstnId></DbtrAgt></RltdAgts>
    <RmtInf><Ustrd>Design services October</Ustrd><Ustrd>Invoice INV-2026-031</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="EUR">5000.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-11-20T10:00:00</DtTm></BookgDt>
   <AcctSvcrRef>CB-1002</AcctSvcrRef><AddtlNtryInf>Own transfer to RUB account</AddtlNtryInf></Ntry>`;

const parse = (xml: string, chunk?: number): ParsedStatement[] => {
  const bytes = new TextEncoder().encode(xml);
  const chunks: Uint8Array[] = [];
  if (!chunk) chunks.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return parseCamt(chunks, 'camt.xml');
};

function rejects(xml: string, kind: StatementError['kind'], pattern: RegExp): void {
  assert.throws(() => parse(xml), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, /^camt\.xml: /);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a CAMT.053 statement: IBAN account, balances, signed entries, the other party and the bank reference', () => {
  const [st, ...more] = parse(doc('053', '02', NOVEMBER));
  assert.equal(more.length, 0);
  assert.deepEqual({ ...st, entries: [] }, {
    format: 'camt.053', account: IBAN, currency: 'EUR', periodStart: '2026-11-01', periodEnd: '2026-11-25', bank: 'COBADEFFXXX',
    openingBalance: parseMoney('1000'), closingBalance: parseMoney('2800'), provisional: false, warnings: [], entries: [],
    blocks: [{ from: '2026-11-01', to: '2026-11-25', opening: parseMoney('1000'), closing: parseMoney('2800') }],
  });
  assert.deepEqual(st!.entries[0], {
    bookingDate: '2026-11-10', valueDate: '2026-11-11', amount: parseMoney('6800'), direction: 'in', text: 'Design services October Invoice INV-2026-031',
    provisional: false, bankId: 'CB-1001', reference: 'INV-2026-031', counterpartyName: 'Nordlicht GmbH', counterpartyAccount: NORDLICHT,
    counterpartyIban: NORDLICHT, counterpartyBank: 'MARKDEF1500',
  });
  assert.deepEqual(st!.entries[1], { bookingDate: '2026-11-20', amount: -parseMoney('5000'), direction: 'out', text: 'Own transfer to RUB account', provisional: false, bankId: 'CB-1002' });
});

test('versions .01 to .13 read alike, in small chunks too', () => {
  const expected = parse(doc('053', '02', NOVEMBER));
  for (const v of ['01', '04', '08', '13']) assert.deepEqual(parse(doc('053', v, NOVEMBER)), expected, v);
  assert.deepEqual(parse(doc('053', '08', NOVEMBER), 5), expected, '5-byte chunks');
});

test('a Russian account by Othr/Id, a debit closing balance, five decimals and the payee INN', () => {
  const body = `<Id>R1</Id>${acct('<Othr><Id>40702810400000012345</Id></Othr>', 'RUB')}
    ${bal('OPBD', '10.00000', 'CRDT', '2026-11-01').replace(/EUR/g, 'RUB')}${bal('CLBD', '0.12345', 'DBIT', '2026-11-02').replace(/EUR/g, 'RUB')}
    <Ntry><Amt Ccy="RUB">10.12345</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>R-9</AcctSvcrRef>
     <NtryDtls><TxDtls><RltdPties><Cdtr><Nm>ООО «Бумага Опт»</Nm><Id><OrgId><Othr><Id>7705123450</Id><SchmeNm><Cd>TXID</Cd></SchmeNm></Othr></OrgId></Id></Cdtr>
     <CdtrAcct><Id><Othr><Id>40702810600000054321</Id></Othr></Id></CdtrAcct></RltdPties></TxDtls></NtryDtls></Ntry>`;
  const [st] = parse(doc('053', '06', body));
  assert.equal(st!.account, '40702810400000012345');
  assert.equal(st!.currency, 'RUB');
  assert.equal(st!.closingBalance, -parseMoney('0.12345'));
  const e = st!.entries[0]!;
  assert.equal(e.amount, -parseMoney('10.12345'));
  assert.equal(e.counterpartyTaxId, '7705123450');
  assert.equal(e.counterpartyAccount, '40702810600000054321');
  assert.equal(e.counterpartyIban, undefined, 'a domestic account is not an IBAN');
});

test('a batch entry is split when its transactions carry amounts that add up; otherwise it stays one movement, with a warning', () => {
  const tx = (ref: string, amt: string, name: string) => `<TxDtls><Refs><AcctSvcrRef>${ref}</AcctSvcrRef></Refs><Amt Ccy="EUR">${amt}</Amt><RltdPties><Dbtr><Nm>${name}</Nm></Dbtr></RltdPties></TxDtls>`;
  const batch = (txs: string) => `<Id>B</Id>${acct(`<IBAN>${IBAN}</IBAN>`)}
    <Ntry><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-12</Dt></BookgDt><AcctSvcrRef>BATCH-7</AcctSvcrRef>
    <NtryDtls>${txs}</NtryDtls></Ntry>`;
  const [split] = parse(doc('053', '02', batch(tx('T1', '100.00', 'Greenleaf Cafe') + tx('T2', '200.00', 'Nordlicht GmbH'))));
  assert.deepEqual(split!.entries.map((e) => [e.amount, e.bankId, e.counterpartyName]), [[parseMoney('100'), 'T1', 'Greenleaf Cafe'], [parseMoney('200'), 'T2', 'Nordlicht GmbH']]);
  const [kept] = parse(doc('053', '02', batch(tx('T1', '100.00', 'A') + tx('T2', '150.00', 'B'))));
  assert.deepEqual(kept!.entries.map((e) => [e.amount, e.bankId]), [[parseMoney('300'), 'BATCH-7']]);
  assert.deepEqual(kept!.warnings, ['entry BATCH-7 is a batch of 2 kept as one movement']);
});

test('CAMT.052 is provisional, and so is a pending entry of a 053', () => {
  const [rpt] = parse(doc('052', '08', NOVEMBER.replace(bal('CLBD', '2800.00', 'CRDT', '2026-11-25'), bal('ITBD', '2800.00', 'CRDT', '2026-11-25'))));
  assert.equal(rpt!.format, 'camt.052');
  assert.equal(rpt!.provisional, true);
  assert.equal(rpt!.closingBalance, parseMoney('2800'));
  assert.ok(rpt!.entries.every((e) => e.provisional));
  const [st] = parse(doc('053', '02', NOVEMBER.replace('<Sts><Cd>BOOK</Cd></Sts>', '<Sts><Cd>PDNG</Cd></Sts>')));
  assert.equal(st!.provisional, false);
  assert.deepEqual(st!.entries.map((e) => e.provisional), [false, true]);
});

test('CAMT.054, other XML, broken XML and statements without account or currency are refused', () => {
  rejects(doc('054', '08', `<Id>N</Id>${acct(`<IBAN>${IBAN}</IBAN>`)}`), 'not_statement', /CAMT\.054 is a debit\/credit notification, not a bank statement/);
  rejects('<?xml version="1.0"?><Invoice><Id>1</Id></Invoice>', 'not_statement', /not an ISO 20022 CAMT document \(root <Invoice>\)/);
  rejects(doc('053', '02', NOVEMBER).slice(0, -40), 'malformed', /broken XML/);
  rejects(doc('053', '02', '<Id>X</Id><Bal></Bal>'), 'malformed', /statement X has no account/);
  rejects(doc('053', '02', NOVEMBER.replace('<Ccy>EUR</Ccy>', '').replace(/ Ccy="EUR"/g, '')), 'malformed', /names no currency/);
  rejects(doc('053', '02', NOVEMBER.replace('<CdtDbtInd>DBIT</CdtDbtInd><Sts>', '<Sts>')), 'malformed', /an entry \(Ntry\) has no CdtDbtInd/);
  rejects(doc('053', '02', NOVEMBER.replace('<Amt Ccy="EUR">5000.00</Amt>', '<Amt Ccy="EUR">5.000,00</Amt>')), 'malformed', /entry amount "5\.000,00" is not an amount/);
  rejects(doc('053', '02', NOVEMBER.replace('<BookgDt><DtTm>2026-11-20T10:00:00</DtTm></BookgDt>', '')), 'malformed', /an entry \(Ntry CB-1002\) has no booking or value date/);
  assert.throws(() => parseCamt([], 'camt.xml'), /camt\.xml: the file is empty/);
});
