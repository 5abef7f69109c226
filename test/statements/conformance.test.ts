// Every statement fixture (copied from ../shared/fixtures/statements/ into test/fixtures/statements/, licences beside them) is parsed or rejected with a clear
// reason. 1C and MT940 results are compared with the fixtures' own expectations (converted once by
// test/convert-fixture-expectations.ts); OFX and CAMT bank statements with expectations written by
// hand from the files. Every disagreement must be listed below with the reason we differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney } from '../../contract/money.ts';
import { StatementError, type ParsedStatement } from '../../companion/statements/model.ts';
import { parseStatementFile } from '../../companion/statements/index.ts';
import { sniffStatement, type SniffedFormat } from '../../companion/statements/parsers/sniff.ts';
import type { Expected } from '../convert-fixture-expectations.ts';

const ROOT = join(import.meta.dirname, '../fixtures/statements');
const EXPECTED = join(import.meta.dirname, '../fixtures/statements/expected');
const DIRS: Record<string, SniffedFormat> = { '1c': '1c', camt: 'camt', mt940: 'mt940', ofx: 'ofx', csv: 'csv' };
const BROKEN = /^(invalid|binary)\.|no_end_of_|fail_nice_|\.wrong\./;

// Hand-written from the files: outcome, number of entries, closing balance of the first statement.
const HAND: Record<string, [Expected['outcome'], number?, string?]> = {
  'camt052.v1.xml': ['parsed', 1], 'camt052.v2.xml': ['parsed', 1], 'camt052.v2.other-account.xml': ['parsed', 1],
  'camt052.v2.with-account-name.xml': ['parsed', 1], 'camt052.v4.xml': ['parsed', 1, '10022.15'], 'camt052.v6.xml': ['parsed', 1, '10022.15'],
  'camt052.v6.Amt-zero.xml': ['parsed', 1, '10022.15'], 'camt052.v8.xml': ['parsed', 1],
  'camt053.v2.all-balance-types.xml': ['parsed', 1, '4.04'], 'camt053.v2.five.decimals.xml': ['parsed', 1, '27.05'],
  'camt053.v2.minimal.xml': ['parsed', 1, '-27.00'], 'camt053.v2.minimal.ultimate.xml': ['parsed', 1, '-27.00'],
  'camt053.v2.multi.statement.xml': ['parsed', 2, '27.00'], 'camt053.v2.with-account-name.xml': ['parsed', 1],
  'camt053.v2.with-party-ids.xml': ['parsed', 1, '-27.00'], 'camt053.v3.xml': ['parsed', 1, '-27.00'], 'camt053.v4.xml': ['parsed', 1, '-27.00'],
  'camt053.v8.xml': ['parsed', 1, '-27.00'], 'camt53.only-Dt-with-DtTm.xml': ['parsed', 0], 'camt053.v2.wrong.xml': ['rejected'],
  'camt054.v2.xml': ['rejected'], 'camt054.v2.with-account-name.xml': ['rejected'], 'camt054.v4.xml': ['rejected'], 'camt054.v8.xml': ['rejected'],
  'camt054.v8-with-UETR.xml': ['rejected'], 'camt054.v8-with-financial-institution.xml': ['rejected'],
  'anzcc.ofx': ['parsed', 1, '-123.45'], 'bank_medium.ofx': ['parsed', 3, '382.34'], 'checking.ofx': ['parsed', 3, '100.99'],
  'multiple_accounts.ofx': ['parsed', 0, '111.00'], 'multiple_accounts2.ofx': ['parsed', 0, '111.00'], 'ofx-v102-empty-tags.ofx': ['parsed', 1],
  'suncorp.ofx': ['parsed', 1, '1234.12'], 'bank_small.ofx': ['rejected'], 'account_listing_aggregation.ofx': ['rejected'],
  'error_message.ofx': ['rejected'], 'signon_fail.ofx': ['rejected'], 'signon_success.ofx': ['rejected'], 'signon_success_no_message.ofx': ['rejected'],
  'fidelity.ofx': ['rejected'], 'fidelity-savings.ofx': ['rejected'], 'investment_401k.ofx': ['rejected'], 'investment_medium.ofx': ['rejected'],
  'td_ameritrade.ofx': ['rejected'], 'tiaacref.ofx': ['rejected'], 'vanguard.ofx': ['rejected'], 'vanguard401k.ofx': ['rejected'],
  'fail_nice_date_missing.ofx': ['rejected'], 'fail_nice_decimal_error.ofx': ['rejected'], 'fail_nice_empty_balance.ofx': ['rejected'],
  // Our own test files for the built-in CSV profiles (test/fixtures/statements/csv/README.md).
  'sber.csv': ['parsed', 3, '1150349.50'], 't-bank.csv': ['parsed', 3], 'alfa-bank.csv': ['parsed', 3],
  'generic-semicolon.csv': ['parsed', 2, '29987.50'], 'generic-comma.csv': ['parsed', 2, '925.50'],
};

/** Where we differ from a fixture's expectation, and why. A disagreement not listed here fails the test. */
const KNOWN: Record<string, string> = {
  'betterplace_amount_formats.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'betterplace_empty_entry_date.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'betterplace_missing_crlf_at_end.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_account_balance_credit.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_account_balance_debit.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_closing_balance.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_statement_details.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_statement_line.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'self-provided_multiline.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'self-provided_sparkassen.sta': 'a tag-level test snippet without :25: (account identification): movements that cannot be attributed to an account are never imported',
  'cmxl_available_balance.sta': 'holds only an available balance (:64:), no booked balance and no transactions: nothing to import',
  'betterplace_sepa_mt9401.sta': 'RC is a reversal of a credit, i.e. a debit (SWIFT MT940 field 61); wolph/mt940 books it as a credit. Our reading makes every balance block of the file check exactly',
};

interface Row { format: string; file: string; outcome: 'parsed' | 'rejected'; reason?: string; disagreement?: string }

function entriesOf(sts: ParsedStatement[]): string[] {
  return sts.flatMap((s) => s.entries.map((e) => `${e.bookingDate}|${formatMoney(e.amount)}`)).sort();
}

test('every statement fixture is parsed or rejected with a clear reason, and agrees with its expectation', () => {
  const rows: Row[] = [];
  for (const [dir, format] of Object.entries(DIRS)) {
    const expected: Record<string, Expected> = existsSync(join(EXPECTED, `${dir}.json`)) ? JSON.parse(readFileSync(join(EXPECTED, `${dir}.json`), 'utf8')) : {};
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      if (/^LICENSE|_LICENSE$|\.(snap|yml|json|md)$/.test(file) || file === 'requirements.txt') continue;
      const abs = join(ROOT, dir, file);
      const head = readFileSync(abs).subarray(0, 65536);
      const sniffed = sniffStatement(head);
      let parsed: ParsedStatement[] | undefined;
      let reason: string | undefined;
      try {
        // Content decides; a file no sniffer claims is parsed as its folder's format to get its reason.
        parsed = parseStatementFile(sniffed ?? format, abs, file);
      } catch (e) {
        assert.ok(e instanceof StatementError, `${file}: not a StatementError: ${(e as Error).stack}`);
        reason = e.message;
        assert.ok(reason.startsWith(file + ':') && reason.length > file.length + 10, `${file}: reason must name the file and the problem: ${reason}`);
      }
      const row: Row = { format: dir, file, outcome: parsed ? 'parsed' : 'rejected', ...(reason ? { reason } : {}) };
      if (BROKEN.test(file)) assert.equal(row.outcome, 'rejected', `${file} is broken on purpose`);
      const key = file.replace(/\.(txt|bin|sta)$/, '');
      const exp = expected[key];
      let disagree: string | undefined;
      if (exp) {
        if (exp.outcome !== row.outcome) disagree = `expected ${exp.outcome}, we ${row.outcome}${reason ? ` (${reason})` : ''}`;
        else if (parsed && exp.entries) {
          const ours = entriesOf(parsed), theirs = exp.entries.map((e) => `${e.date}|${e.amount}`).sort();
          if (ours.join() !== theirs.join()) disagree = `entries differ: ours ${ours.length} [${ours.filter((x) => !theirs.includes(x)).slice(0, 3).join(', ')}], theirs ${theirs.length} [${theirs.filter((x) => !ours.includes(x)).slice(0, 3).join(', ')}]`;
        }
      } else if (HAND[file]) {
        const [outcome, count, closing] = HAND[file]!;
        if (outcome !== row.outcome) disagree = `expected ${outcome}, we ${row.outcome}${reason ? ` (${reason})` : ''}`;
        else if (parsed && count !== undefined && parsed.reduce((n, s) => n + s.entries.length, 0) !== count) disagree = `expected ${count} entries`;
        else if (parsed && closing !== undefined && (parsed[0]!.closingBalance === undefined || formatMoney(parsed[0]!.closingBalance) !== closing)) disagree = `expected closing ${closing}`;
      }
      if (disagree) row.disagreement = disagree;
      rows.push(row);
    }
  }
  const table = ['| Format | Files | Parsed | Rejected | Disagreements |', '| --- | --- | --- | --- | --- |'];
  for (const dir of Object.keys(DIRS)) {
    const r = rows.filter((x) => x.format === dir);
    table.push(`| ${dir} | ${r.length} | ${r.filter((x) => x.outcome === 'parsed').length} | ${r.filter((x) => x.outcome === 'rejected').length} | ${r.filter((x) => x.disagreement).length} |`);
  }
  console.log('\n' + table.join('\n'));
  console.log('\nRejected:\n' + rows.filter((r) => r.reason).map((r) => `- ${r.reason}`).join('\n'));
  const dis = rows.filter((r) => r.disagreement);
  console.log('\nDisagreements:\n' + dis.map((r) => `- ${r.file}: ${r.disagreement}\n  why: ${KNOWN[r.file] ?? 'NOT EXPLAINED'}`).join('\n'));
  const unexplained = dis.filter((r) => !KNOWN[r.file]);
  assert.deepEqual(unexplained.map((r) => `${r.file}: ${r.disagreement}`), [], 'every disagreement is examined and explained');
  assert.ok(rows.length >= 120, `${rows.length} fixtures seen`);
});
