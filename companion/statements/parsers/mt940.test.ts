import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMoney } from '../../../contract/money.ts';
import { StatementError, type ParsedStatement } from '../model.ts';
import { parseDetails, parseMt940 } from './mt940.ts';

const parse = (text: string): ParsedStatement[] => parseMt940([new TextEncoder().encode(text)], 'kestrel.sta');

function rejects(text: string, kind: StatementError['kind'], pattern: RegExp): void {
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(e instanceof StatementError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, /^kestrel\.sta: /);
    assert.match(e.message, pattern);
    return true;
  });
}

/** Commerzbank-style MT940 of Kestrel's EUR account, German `?NN` details. */
const STATEMENT = [
  ':20:STARTUMS',
  ':25:37040044/0532013000',
  ':28C:00011/001',
  ':60F:C261109EUR1000,00',
  ':61:2611101110CR6800,00NTRFINV-2026-031//CB-1001',
  ':86:166?00SEPA-GUTSCHRIFT?20Design services October ?21Invoice INV-2026-031?30MARKDEF1500?31DE44500105175407324931?32Nordlicht GmbH',
  ':61:261120DR5000,00NTRFNONREF',
  ':86:Own transfer to',
  'RUB account',
  ':62F:C261120EUR2800,00',
  '-',
].join('\r\n');

test('an MT940 statement: balances with decimal commas, signed lines, German ?NN details and the bank reference', () => {
  const [st, ...more] = parse(STATEMENT);
  assert.equal(more.length, 0);
  assert.deepEqual({ ...st, entries: [] }, {
    format: 'mt940', account: '37040044/0532013000', currency: 'EUR', periodStart: '2026-11-09', periodEnd: '2026-11-20',
    blocks: [{ from: '2026-11-09', to: '2026-11-20', opening: parseMoney('1000'), closing: parseMoney('2800'), movements: parseMoney('1800') }],
    entries: [], provisional: false, warnings: [], openingBalance: parseMoney('1000'), closingBalance: parseMoney('2800'),
  });
  assert.deepEqual(st!.entries, [
    {
      bookingDate: '2026-11-10', valueDate: '2026-11-10', amount: parseMoney('6800'), direction: 'in', text: 'SEPA-GUTSCHRIFT Design services October Invoice INV-2026-031',
      provisional: false, reference: 'INV-2026-031', bankId: 'CB-1001', counterpartyName: 'Nordlicht GmbH', counterpartyAccount: 'DE44500105175407324931',
      counterpartyIban: 'DE44500105175407324931', counterpartyBank: 'MARKDEF1500',
    },
    { bookingDate: '2026-11-20', valueDate: '2026-11-20', amount: -parseMoney('5000'), direction: 'out', text: 'Own transfer to RUB account', provisional: false },
  ]);
});

test(':86: details: German subfields, Dutch /KEY/value/ pairs and free text', () => {
  assert.deepEqual(parseDetails('166?00GUTSCHRIFT?20Rechnung 12?2134 Papier?30COBADEFF?31DE89370400440532013000?32Bumaga?33 Opt'), {
    text: 'GUTSCHRIFT Rechnung 1234 Papier', name: 'Bumaga Opt', account: 'DE89370400440532013000', bic: 'COBADEFF',
  });
  assert.deepEqual(parseDetails('/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/Greenleaf Cafe/REMI/Menus March/EREF/NOTPROVIDED'), {
    text: 'Menus March', name: 'Greenleaf Cafe', account: 'NL91ABNA0417164300', bic: 'ABNANL2A',
  });
  assert.deepEqual(parseDetails('Paper delivery\r\nno. 88'), { text: 'Paper delivery no. 88' });
});

test('an entry date across the year end takes the next year; RC is a debit (reversed credit), RD a credit', () => {
  const text = [':20:X', ':25:ACC1', ':60F:C261231EUR100,00', ':61:2612310102C10,00NTRFREF1', ':61:261231RC1,00NMSCREF2', ':61:261231RD2,00NMSCREF3', ':62F:C270102EUR111,00', '-'].join('\n');
  const [st] = parse(text);
  assert.deepEqual(st!.entries.map((e) => [e.bookingDate, e.valueDate, e.amount]), [
    ['2027-01-02', '2026-12-31', parseMoney('10')], ['2026-12-31', '2026-12-31', -parseMoney('1')], ['2026-12-31', '2026-12-31', parseMoney('2')],
  ]);
  assert.equal(st!.blocks[0]!.opening + st!.blocks[0]!.movements!, st!.blocks[0]!.closing);
});

test('several statements of one account in a file become one statement with a balance block each', () => {
  const day = (d: string, open: string, amt: string, close: string) => [':20:D' + d, ':25:ACC1', ':60F:C' + d + 'EUR' + open, `:61:${d}C${amt}NTRFREF${d}`, ':86:pay', `:62F:C${d}EUR${close}`, '-'].join('\n');
  const [st, ...more] = parse([day('261102', '10,00', '5,00', '15,00'), day('261103', '15,00', '1,50', '16,50')].join('\n'));
  assert.equal(more.length, 0);
  assert.deepEqual([st!.periodStart, st!.periodEnd, st!.openingBalance, st!.closingBalance], ['2026-11-02', '2026-11-03', parseMoney('10'), parseMoney('16.50')]);
  assert.equal(st!.blocks.length, 2);
  assert.equal(st!.entries.length, 2);
});

test('an MT942 interim report (no :60:/:62: balances) is provisional', () => {
  const [st] = parse([':20:INTRADAY', ':25:ACC1', ':34F:EURD0,', ':13D:2611261015+0100', ':61:261126C25,00NTRFREF9', ':86:cash in', '-'].join('\n'));
  assert.equal(st!.provisional, true);
  assert.equal(st!.currency, 'EUR');
  assert.equal(st!.entries[0]!.provisional, true);
});

test('files without an account, currency or valid lines are refused', () => {
  rejects('', 'empty', /the file is empty/);
  rejects('just some text\nwithout tags', 'not_statement', /not MT940: no SWIFT tags/);
  rejects([':20:X', ':28C:1', '-'].join('\n'), 'empty', /no balances or transactions/);
  rejects(STATEMENT.replace(':25:37040044/0532013000\r\n', ''), 'malformed', /a statement without :25: \(account\)/);
  rejects(STATEMENT.replace(':61:261120DR5000,00NTRFNONREF', ':61:26112XDR5000,00NTRF'), 'malformed', /:61: "26112XDR5000,00NTRF" is not a statement line/);
  rejects(STATEMENT.replace(':62F:C261120EUR2800,00', ':62F:C261120EUR2.800,00,1'), 'malformed', /:62F: "2\.800,00,1" is not an amount/);
  rejects(STATEMENT.replace(':60F:C261109EUR1000,00', ':60F:X261109EUR1000,00'), 'malformed', /:60F: "X261109EUR1000,00" is not a balance/);
});
