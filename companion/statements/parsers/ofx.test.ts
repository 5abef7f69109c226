import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../../contract/money.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { parseOfx } from './ofx.ts';

const parse = (text: string | Uint8Array): ParsedStatement[] => parseOfx([typeof text === 'string' ? new TextEncoder().encode(text) : text], 'kestrel.ofx');

function rejects(text: string, kind: StatementError['kind'], pattern: RegExp): void {
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, /^kestrel\.ofx: /);
    assert.match(e.message, pattern);
    return true;
  });
}

const SGML_HEADER = 'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n';
const SIGNON = '<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261126070000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>';

/** OFX 1.x: SGML, leaf tags never closed. */
const SGML = `${SGML_HEADER}<OFX>${SIGNON}
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>COBADEFF<ACCTID>0532013000<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101<DTEND>20261125
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261110120000[+1:CET]<DTUSER>20261111<TRNAMT>6800.00<FITID>F-1001<NAME>Nordlicht GmbH<MEMO>Design services &amp; layout</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261120<TRNAMT>-5000.00<FITID>F-1002<CHECKNUM>17<NAME>Own transfer<BANKACCTTO><BANKID>SABRRUMM<ACCTID>40702810400000012345<ACCTTYPE>CHECKING</BANKACCTTO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>2800.00<DTASOF>20261125</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

/** OFX 2.x: XML, every element closed. */
const XML = `<?xml version="1.0" encoding="UTF-8" standalone="no"?><?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>20261126070000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM><BANKID>COBADEFF</BANKID><ACCTID>0532013000</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101</DTSTART><DTEND>20261125</DTEND>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20261110120000[+1:CET]</DTPOSTED><DTUSER>20261111</DTUSER><TRNAMT>6800.00</TRNAMT><FITID>F-1001</FITID><NAME>Nordlicht GmbH</NAME><MEMO><![CDATA[Design services & layout]]></MEMO></STMTTRN>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20261120</DTPOSTED><TRNAMT>-5000.00</TRNAMT><FITID>F-1002</FITID><CHECKNUM>17</CHECKNUM><NAME>Own transfer</NAME><BANKACCTTO><BANKID>SABRRUMM</BANKID><ACCTID>40702810400000012345</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTTO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>2800.00</BALAMT><DTASOF>20261125</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;

test('OFX 1.x (SGML with unclosed leaf tags) and 2.x (XML) give the same statement', () => {
  const [st, ...more] = parse(SGML);
  assert.equal(more.length, 0);
  assert.deepEqual({ ...st, entries: [] }, {
    format: 'ofx', account: '0532013000', currency: 'EUR', periodStart: '2026-11-01', periodEnd: '2026-11-25', blocks: [], entries: [],
    provisional: false, warnings: [], bank: 'COBADEFF', closingBalance: parseMoney('2800'),
  });
  assert.deepEqual(st!.entries, [
    { bookingDate: '2026-11-10', valueDate: '2026-11-11', amount: parseMoney('6800'), direction: 'in', text: 'Nordlicht GmbH Design services & layout', provisional: false, bankId: 'F-1001', counterpartyName: 'Nordlicht GmbH' },
    { bookingDate: '2026-11-20', amount: -parseMoney('5000'), direction: 'out', text: 'Own transfer', provisional: false, bankId: 'F-1002', reference: '17', counterpartyName: 'Own transfer', counterpartyAccount: '40702810400000012345' },
  ]);
  assert.deepEqual(parse(XML), parse(SGML));
});

test('several accounts in one file give a statement each', () => {
  const second = SGML.slice(SGML.indexOf('<STMTTRNRS>'), SGML.indexOf('</BANKMSGSRSV1>')).replace('0532013000', '0532013001').replace(/F-100/g, 'G-100');
  const sts = parse(SGML.replace('</BANKMSGSRSV1>', second + '</BANKMSGSRSV1>'));
  assert.deepEqual(sts.map((s) => [s.account, s.entries.length]), [['0532013000', 2], ['0532013001', 2]]);
});

test('a windows-1252 SGML file is decoded by its CHARSET', () => {
  const bytes = new TextEncoder().encode(SGML.replace('Nordlicht GmbH<MEMO>', 'Nordlicht GmbH<MEMO>Gr\u00fc\u00dfe '));
  const latin = Uint8Array.from(new TextDecoder().decode(bytes), (c) => c.charCodeAt(0));
  assert.equal(parse(latin)[0]!.entries[0]!.text, 'Nordlicht GmbH Grüße Design services & layout');
});

test('investment statements, account listings, sign-on-only and error responses are not bank statements', () => {
  rejects(`${SGML_HEADER}<OFX>${SIGNON}<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<INVSTMTRS><DTASOF>20261125<CURDEF>USD<INVACCTFROM><BROKERID>x<ACCTID>1</INVACCTFROM></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>`, 'not_statement', /an OFX investment statement, not a bank statement/);
  rejects(`${SGML_HEADER}<OFX>${SIGNON}<SIGNUPMSGSRSV1><ACCTINFOTRNRS><TRNUID>1<ACCTINFORS><DTACCTUP>20261125</ACCTINFORS></ACCTINFOTRNRS></SIGNUPMSGSRSV1></OFX>`, 'not_statement', /an OFX account listing/);
  rejects(`${SGML_HEADER}<OFX>${SIGNON}</OFX>`, 'not_statement', /an OFX sign-on response without a statement/);
  rejects(`${SGML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR<MESSAGE>Invalid password</STATUS></SONRS></SIGNONMSGSRSV1></OFX>`, 'not_statement', /an OFX error response, not a bank statement \(code 15500: Invalid password\)/);
  rejects('Hello, world', 'not_statement', /not an OFX file/);
});

test('broken transactions are refused naming the transaction', () => {
  rejects(SGML.replace('<DTPOSTED>20261120', ''), 'malformed', /statement 1: transaction 2 \(FITID F-1002\) has no DTPOSTED/);
  rejects(SGML.replace('<DTPOSTED>20261120', '<DTPOSTED>20261320'), 'malformed', /transaction 2 \(FITID F-1002\): DTPOSTED "20261320" is not a date/);
  rejects(SGML.replace('<TRNAMT>-5000.00', '<TRNAMT>-5.000,00.1'), 'malformed', /transaction 2 \(FITID F-1002\): TRNAMT "-5\.000,00\.1" is not an amount/);
  rejects(SGML.replace('<ACCTID>0532013000', ''), 'malformed', /statement 1: no account \(ACCTID\)/);
  rejects(SGML.replace('<BALAMT>2800.00', ''), 'malformed', /LEDGERBAL dated 20261125 has no amount/);
  rejects(SGML.replace('<CURDEF>EUR', ''), 'malformed', /no currency \(CURDEF\)/);
  assert.throws(() => parseOfx([], 'kestrel.ofx'), /kestrel\.ofx: the file is empty/);
});
