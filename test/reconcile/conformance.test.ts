// Every invoice fixture (copied from ../shared/fixtures/invoices/ into test/fixtures/invoices/ with its licences,
// plus our own CommerceML invoices in commerceml-built/) is claimed by the sniffer from its content and read or
// refused with a reason naming the file. What is read must equal the document's own figures, transcribed into
// test/fixtures/invoices/expected.json as the documents write them (signed, as stated): the number, type,
// currency, dates, the amount due (BT-115 / DuePayableAmount / Сумма), the prepaid amount and the VAT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney, parseMoney, type Money } from '../../contract/money.ts';
import { parseInvoiceFile } from '../../companion/reconcile/parsers/index.ts';
import { readCommerceMl } from '../../companion/reconcile/parsers/commerceml.ts';
import { pdfShowsInvoice, sniffInvoice, type InvoiceSniff } from '../../companion/reconcile/parsers/sniff.ts';
import { InvoiceFormatError, type InvoiceDoc } from '../../companion/reconcile/types.ts';

const ROOT = join(import.meta.dirname, '../fixtures/invoices');
const DIRS: Record<string, InvoiceSniff> = { ubl: 'ubl', cii: 'cii', facturx: 'facturx', commerceml: 'commerceml', 'commerceml-built': 'commerceml' };

interface ExpectedInvoice {
  number: string; type: InvoiceDoc['type']; currency: string; issued: string; due?: string;
  /** As the document writes them: the amount due, prepaid and VAT, signed. */
  payable: string; prepaid?: string; vat?: string;
  typeCode?: string; operation?: string;
}
type Expected = { invoices: ExpectedInvoice[]; skipped?: string[] } | { refused: string };

const EXPECTED = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as Record<string, Expected>;
/** A stated amount: a decimal comma when the document uses one. */
const money = (s: string): Money => parseMoney(s, s.includes(',') && !s.includes('.') ? ',' : '.');
const abs = (m: Money) => (m < 0n ? -m : m);

function check(file: string, got: InvoiceDoc[], want: ExpectedInvoice[], source: string): string[] {
  const problems: string[] = [];
  if (got.length !== want.length) return [`${got.length} documents read, ${want.length} expected`];
  want.forEach((w, i) => {
    const g = got[i]!;
    const payable = money(w.payable), prepaid = w.prepaid === undefined ? 0n : money(w.prepaid);
    // A negative document is read as the opposite one for the absolute amounts.
    const sign = payable + prepaid < 0n ? -1n : 1n;
    const diff = (what: string, a: unknown, b: unknown) => { if (a !== b) problems.push(`#${i + 1} ${what}: read ${String(a)}, the document says ${String(b)}`); };
    diff('number', g.number, w.number);
    diff('type', g.type, w.type);
    diff('currency', g.currency, w.currency);
    diff('issued', g.issued, w.issued);
    diff('due', g.due, w.due);
    diff('total', formatMoney(g.total), formatMoney((payable + prepaid) * sign));
    diff('outstanding (total less prepaid)', formatMoney(g.total - (g.prepaid ?? 0n)), formatMoney(abs(payable)));
    diff('prepaid', g.prepaid === undefined ? undefined : formatMoney(g.prepaid), prepaid === 0n ? undefined : formatMoney(prepaid * sign));
    diff('vat', g.vat === undefined ? undefined : formatMoney(g.vat), w.vat === undefined ? undefined : formatMoney(money(w.vat) * sign));
    diff('source', g.source, source);
    if (!g.sourceRef.startsWith(file)) problems.push(`#${i + 1} sourceRef ${g.sourceRef} does not name the file`);
  });
  return problems;
}

test('every invoice fixture is claimed by content and read or refused with a reason; what is read equals the documents\' own totals', async () => {
  const rows: { dir: string; file: string; outcome: string; ms: number; problems: string[] }[] = [];
  for (const [dir, format] of Object.entries(DIRS)) {
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      if (/^(LICENSE|README)/.test(file)) continue;
      const key = `${dir}/${file}`;
      const bytes = readFileSync(join(ROOT, dir, file));
      const want = EXPECTED[key];
      assert.ok(want, `${key} has no expectation in expected.json`);
      const problems: string[] = [];
      const sniffed = sniffInvoice(bytes.subarray(0, 65536), file);
      // A PDF whose first 64 KB do not show the embedded file is undecided; its whole bytes do show it.
      if (sniffed === 'pdf' && format === 'facturx') assert.ok(pdfShowsInvoice(bytes), `${key}: the whole PDF shows no embedded invoice`);
      else if (sniffed !== format) problems.push(`sniffed as ${sniffed ?? 'nothing'}, not ${format}`);
      const t0 = performance.now();
      let got: InvoiceDoc[] | undefined;
      let reason: string | undefined;
      try {
        got = await parseInvoiceFile(bytes, file, [], sniffed);
      } catch (e) {
        assert.ok(e instanceof InvoiceFormatError, `${key}: not an InvoiceFormatError: ${(e as Error).stack}`);
        reason = e.message;
        assert.ok(reason.startsWith(`${file}: `) && reason.length > file.length + 15, `${key}: the reason must name the file and the problem: ${reason}`);
      }
      const ms = performance.now() - t0;
      if ('refused' in want) {
        if (got) problems.push(`read ${got.length} document(s), expected a refusal matching /${want.refused}/`);
        else if (!new RegExp(want.refused).test(reason!)) problems.push(`refused for another reason: ${reason}`);
      } else if (!got) {
        problems.push(`refused: ${reason}`);
      } else {
        problems.push(...check(file, got, want.invoices, format === 'facturx' ? 'facturx' : format));
        if (want.skipped) assert.deepEqual(readCommerceMl(bytes, file).skipped.map((s) => s.reason), want.skipped, key);
      }
      rows.push({ dir, file, outcome: got ? `read ${got.length}` : `refused: ${reason}`, ms, problems });
    }
  }
  const table = ['| Folder | Files | Read | Refused | Problems |', '| --- | --- | --- | --- | --- |'];
  for (const dir of Object.keys(DIRS)) {
    const r = rows.filter((x) => x.dir === dir);
    table.push(`| ${dir} | ${r.length} | ${r.filter((x) => x.outcome.startsWith('read')).length} | ${r.filter((x) => x.outcome.startsWith('refused')).length} | ${r.filter((x) => x.problems.length).length} |`);
  }
  console.log('\n' + table.join('\n'));
  console.log('\nRefused:\n' + rows.filter((r) => r.outcome.startsWith('refused')).map((r) => `- ${r.outcome.slice('refused: '.length)}`).join('\n'));
  const slow = [...rows].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(`\nSlowest: ${slow.map((r) => `${r.file} ${r.ms.toFixed(0)} ms`).join(', ')}; all ${rows.reduce((s, r) => s + r.ms, 0).toFixed(0)} ms`);
  assert.deepEqual(rows.filter((r) => r.problems.length).map((r) => `${r.dir}/${r.file}: ${r.problems.join('; ')}`), []);
  assert.equal(rows.length, Object.keys(EXPECTED).length, 'every expectation has its file');
  assert.ok(rows.length >= 51, `${rows.length} fixtures seen`);
});
