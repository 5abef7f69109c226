// Statements benchmark: each case runs in its own child process so its peak RSS is its own.
// 100k-row 1C and CSV and a 20k-entry CAMT.053 parsed and merged (target <= 3 s, <= 400 MB), a 1,000-row
// statement merged into a 200,000-transaction ledger with the cash position recomputed (<= 1 s), and
// hledger on the same CSV for a ratio.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ACCT = '40702810400000012345';
const day = (i: number, days: number) => new Date(Date.UTC(2026, 0, 1) + (i % days) * 86_400_000).toISOString().slice(0, 10);
const dmy = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const amt = (i: number) => ((i * 7919) % 500000) / 100 + 1;

function make1C(path: string, n: number): void {
  const parts: string[] = [`1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nДатаНачала=01.01.2026\r\nДатаКонца=31.12.2026\r\nРасчСчет=${ACCT}\r\n`];
  let inSum = 0, outSum = 0;
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const out = i % 3 === 0, a = amt(i), d = dmy(day(i, 360));
    if (out) outSum += Math.round(a * 100); else inSum += Math.round(a * 100);
    const other = `407028101000000${String(i % 500).padStart(5, '0')}`;
    docs.push(`СекцияДокумент=Платежное поручение\r\nНомер=${i}\r\nДата=${d}\r\nСумма=${a.toFixed(2)}\r\nПлательщикСчет=${out ? ACCT : other}\r\nДатаСписано=${out ? d : ''}\r\nПлательщик1=${out ? 'ООО Кестрел' : 'ООО Клиент ' + (i % 500)}\r\nПлательщикИНН=${out ? '7714698320' : String(7700000000 + (i % 500))}\r\nПолучательСчет=${out ? other : ACCT}\r\nДатаПоступило=${out ? '' : d}\r\nПолучатель1=${out ? 'ООО Поставщик ' + (i % 500) : 'ООО Кестрел'}\r\nПолучательИНН=${out ? String(7700000000 + (i % 500)) : '7714698320'}\r\nНазначениеПлатежа=Оплата по счету ${i} за товары и услуги, в т.ч. НДС 20%\r\nКонецДокумента\r\n`);
  }
  const open = 100000000;
  parts.push(`СекцияРасчСчет\r\nДатаНачала=01.01.2026\r\nДатаКонца=31.12.2026\r\nРасчСчет=${ACCT}\r\nНачальныйОстаток=${(open / 100).toFixed(2)}\r\nВсегоПоступило=${(inSum / 100).toFixed(2)}\r\nВсегоСписано=${(outSum / 100).toFixed(2)}\r\nКонечныйОстаток=${((open + inSum - outSum) / 100).toFixed(2)}\r\nКонецРасчСчет\r\n`);
  writeFileSync(path, Buffer.from(new TextEncoder().encode('')), { flag: 'w' });
  const text = parts.join('') + docs.join('') + 'КонецФайла\r\n';
  // windows-1251 like the real exports.
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); bytes[i] = c < 128 ? c : c === 0x401 ? 0xa8 : c === 0x451 ? 0xb8 : c >= 0x410 && c <= 0x44f ? c - 0x350 : 0x3f; }
  writeFileSync(path, bytes);
}

function makeCsv(path: string, n: number): void {
  const lines = ['Date,Amount,Description,Account,Currency,Counterparty'];
  for (let i = 0; i < n; i++) lines.push(`${day(i, 360)},${(i % 3 === 0 ? -amt(i) : amt(i)).toFixed(2)},Payment ${i} for services,DE89370400440532013000,EUR,Client ${i % 500}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

function makeCamt(path: string, n: number): void {
  let sum = 0;
  const e: string[] = [];
  for (let i = 0; i < n; i++) {
    const credit = i % 3 !== 0, a = amt(i);
    sum += credit ? Math.round(a * 100) : -Math.round(a * 100);
    e.push(`<Ntry><Amt Ccy="EUR">${a.toFixed(2)}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${day(i, 360)}</Dt></BookgDt><AcctSvcrRef>REF${i}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><${credit ? 'Dbtr' : 'Cdtr'}><Pty><Nm>Party ${i % 500}</Nm></Pty></${credit ? 'Dbtr' : 'Cdtr'}></RltdPties><RmtInf><Ustrd>Invoice ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`);
  }
  const open = 1000000;
  writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>B</MsgId><CreDtTm>2026-12-31T00:00:00</CreDtTm></GrpHdr><Stmt><Id>B1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(open / 100).toFixed(2)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(Math.abs(open + sum) / 100).toFixed(2)}</Amt><CdtDbtInd>${open + sum >= 0 ? 'CRDT' : 'DBIT'}</CdtDbtInd><Dt><Dt>2026-12-31</Dt></Dt></Bal>
${e.join('\n')}</Stmt></BkToCstmrStmt></Document>`);
}

const CHILD = `
import { makeTestContext } from '${join(import.meta.dirname, '../test/support/context.ts')}';
import { parseStatementFile } from '${join(import.meta.dirname, '../companion/statements/index.ts')}';
import { mergeStatements, openState } from '${join(import.meta.dirname, '../companion/statements/merge.ts')}';
import { recomputeCash } from '${join(import.meta.dirname, '../companion/statements/position.ts')}';
const [format, file, warm] = process.argv.slice(2);
const t = makeTestContext({ now: new Date('2026-12-31T09:00:00Z') });
const ctx = t.contextFor({ name: 'statements' });
if (warm) { const st = openState(ctx); await mergeStatements(ctx, parseStatementFile('1c', warm, 'warm.txt'), { name: 'warm', sha256: 'w'.repeat(64) }, st); }
const t0 = performance.now();
const parsed = parseStatementFile(format, file, 'bench');
const state = openState(ctx);
const c = await mergeStatements(ctx, parsed, { name: 'bench', sha256: 'b'.repeat(64) }, state);
recomputeCash(ctx, state);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, new: c.new, mismatches: c.mismatches }));
t.cleanup();
`;

function child(format: string, file: string, warm?: string): { ms: number; rssMb: number; new: number; mismatches: number } {
  const dir = mkdtempSync(join(tmpdir(), 'aios-bench-'));
  const script = join(dir, 'child.mts');
  writeFileSync(script, CHILD);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, format, file, ...(warm ? [warm] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const dir = mkdtempSync(join(tmpdir(), 'aios-bench-data-'));
const f1c = join(dir, 'big.txt'), fcsv = join(dir, 'big.csv'), fcamt = join(dir, 'big.xml'), fwarm = join(dir, 'warm.txt'), fsmall = join(dir, 'small.txt');
make1C(f1c, 100_000); makeCsv(fcsv, 100_000); makeCamt(fcamt, 20_000); make1C(fwarm, 200_000);
// The 1,000-row statement: 1,000 rows of the warm ledger's shape but new numbers and dates in 2027? No: same year, new documents.
make1C(fsmall, 1_000);
const line = (name: string, r: { ms: number; rssMb: number; new: number }, limitMs: number) =>
  console.log(`${name.padEnd(44)} ${(r.ms / 1000).toFixed(2)} s (target <= ${limitMs / 1000} s) ${r.rssMb.toFixed(0)} MB peak RSS (target <= 400 MB) new=${r.new} ${r.ms <= limitMs && r.rssMb <= 400 ? 'OK' : 'OVER'}`);
const r1 = child('1c', f1c); line('1C 100,000 transactions parse+merge', r1, 3000);
const r2 = child('csv', fcsv); line('CSV 100,000 rows parse+merge', r2, 3000);
const r3 = child('camt', fcamt); line('CAMT.053 20,000 entries parse+merge', r3, 3000);
const r4 = child('1c', fsmall, fwarm); line('1,000 rows into a 200,000-row ledger + cash', r4, 1000);
if (existsSync('/usr/bin/hledger')) {
  const rules = join(dir, 'big.csv.rules');
  writeFileSync(rules, 'skip 1\nfields date, amount, description, account, currency, counterparty\ncurrency EUR\naccount1 assets:bank\n');
  const t0 = performance.now();
  execFileSync('/usr/bin/hledger', ['-f', fcsv, '--rules-file', rules, 'print'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  const hl = performance.now() - t0;
  console.log(`hledger print on the same CSV: ${(hl / 1000).toFixed(2)} s; ours ${(r2.ms / 1000).toFixed(2)} s = ${(r2.ms / hl).toFixed(3)} x hledger's time`);
} else console.log('hledger not installed: no ratio');
