// Statements benchmark (issue 4). Each case runs in a child process of its own, so its time and peak RSS
// (process.resourceUsage().maxRSS) are its own:
//   1. a 100,000-transaction 1C statement built from the shape of the real bench_statement.txt,
//   2. a 100,000-row CSV, 3. a 20,000-entry CAMT.053: each parsed and merged into an empty ledger with the
//      cash position recomputed (targets <= 3 s, <= 400 MB);
//   4. a 1,000-row 1C statement merged into a 200,000-transaction ledger built beforehand by another
//      process (so nothing is warm in memory), the cash position recomputed (target <= 1 s, <= 400 MB);
// and hledger on the same CSV, our time printed as a ratio of its time.
// `node --import tsx bench/statements.bench.ts` runs it all; the child mode is the same file with arguments.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const SHAPE = join(import.meta.dirname, '../test/fixtures/statements/1c/bench_statement.txt');
const IBAN = 'DE89370400440532013000';
const amt = (i: number) => (((i * 7919) % 500000) + 100) / 100;
const isoDay = (start: string, n: number) => new Date(Date.parse(start + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
const dmy = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

/** windows-1251 encoder (Node has only the decoder): the reverse of the decoder's table. */
const CP1251 = (() => {
  const m = new Map<number, number>();
  const dec = new TextDecoder('windows-1251');
  for (let b = 0; b < 256; b++) m.set(dec.decode(Uint8Array.of(b)).charCodeAt(0), b);
  return (s: string) => {
    const out = Buffer.allocUnsafe(s.length);
    for (let i = 0; i < s.length; i++) out[i] = m.get(s.charCodeAt(i)) ?? 0x3f;
    return out;
  };
})();

/**
 * A 1C statement of `n` documents over `days` days from `start`, every document a copy of one of the
 * real file's documents (all their fields, in their order) with a new number, date and amount; one
 * balance block per day as that bank writes them, the balances chained exactly.
 */
export function make1C(path: string, n: number, start: string, days: number, firstNumber: number, opening: number): { closing: number } {
  const lines = new TextDecoder('windows-1251').decode(readFileSync(SHAPE)).split(/\r?\n/);
  const header: string[] = [];
  const docs: string[][] = [];
  let cur: string[] | undefined;
  let inHeader = true;
  for (const l of lines.slice(1)) {
    if (l === 'СекцияРасчСчет') inHeader = false;
    if (l.startsWith('СекцияДокумент=')) cur = [l];
    else if (cur) { cur.push(l); if (l === 'КонецДокумента') { docs.push(cur); cur = undefined; } }
    else if (inHeader && l) header.push(l);
  }
  const account = header.find((l) => l.startsWith('РасчСчет='))!.slice('РасчСчет='.length);
  const end = isoDay(start, days - 1);
  const perDay = new Map<string, { in: number; out: number }>();
  const body: string[] = [];
  for (let i = 0; i < n; i++) {
    const tpl = docs[i % docs.length]!;
    const out = tpl.some((l) => l === `ПлательщикСчет=${account}`);
    const date = dmy(isoDay(start, Math.floor((i * days) / n)));
    const cents = Math.round(amt(i) * 100);
    const t = perDay.get(date) ?? { in: 0, out: 0 };
    if (out) t.out += cents; else t.in += cents;
    perDay.set(date, t);
    body.push(tpl.map((l) => {
      const key = l.slice(0, l.indexOf('='));
      switch (key) {
        case 'Номер': return `Номер=${firstNumber + i}`;
        case 'Дата': return `Дата=${date}`;
        case 'Сумма': return `Сумма=${(cents / 100).toFixed(2)}`;
        case 'ДатаСписано': return `ДатаСписано=${out ? date : ''}`;
        case 'ДатаПоступило': return `ДатаПоступило=${out ? '' : date}`;
        default: return l;
      }
    }).join('\r\n'));
  }
  const head = ['1CClientBankExchange', ...header.map((l) =>
    l.startsWith('ДатаНачала=') ? `ДатаНачала=${dmy(start)}` : l.startsWith('ДатаКонца=') ? `ДатаКонца=${dmy(end)}` : l.startsWith('ДатаСоздания=') ? `ДатаСоздания=${dmy(end)}` : l)];
  let balance = opening;
  for (const [date, t] of perDay) {
    const next = balance + t.in - t.out;
    head.push('СекцияРасчСчет', `ДатаНачала=${date}`, `ДатаКонца=${date}`, `НачальныйОстаток=${(balance / 100).toFixed(2)}`, `РасчСчет=${account}`,
      `ВсегоСписано=${(t.out / 100).toFixed(2)}`, `ВсегоПоступило=${(t.in / 100).toFixed(2)}`, `КонечныйОстаток=${(next / 100).toFixed(2)}`, 'КонецРасчСчет');
    balance = next;
  }
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, CP1251(head.join('\r\n') + '\r\n'));
    for (let i = 0; i < body.length; i += 1000) writeSync(fd, CP1251(body.slice(i, i + 1000).join('\r\n') + '\r\n'));
    writeSync(fd, CP1251('КонецФайла\r\n'));
  } finally {
    closeSync(fd);
  }
  return { closing: balance };
}

export function makeCsv(path: string, n: number): void {
  const lines = ['Date,Amount,Description,Account,Currency,Counterparty'];
  for (let i = 0; i < n; i++) lines.push(`${isoDay('2026-01-01', Math.floor((i * 360) / n))},${(i % 3 === 0 ? -amt(i) : amt(i)).toFixed(2)},Payment ${i} for services,${IBAN},EUR,Client ${i % 500}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

export function makeCamt(path: string, n: number): void {
  let sum = 0;
  const e: string[] = [];
  for (let i = 0; i < n; i++) {
    const credit = i % 3 !== 0, cents = Math.round(amt(i) * 100);
    sum += credit ? cents : -cents;
    const party = credit ? 'Dbtr' : 'Cdtr';
    e.push(`<Ntry><Amt Ccy="EUR">${(cents / 100).toFixed(2)}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${isoDay('2026-01-01', Math.floor((i * 360) / n))}</Dt></BookgDt><AcctSvcrRef>REF${i}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><${party}><Pty><Nm>Party ${i % 500}</Nm></Pty></${party}></RltdPties><RmtInf><Ustrd>Invoice ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`);
  }
  const open = 1000000;
  writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>B</MsgId><CreDtTm>2026-12-31T00:00:00</CreDtTm></GrpHdr><Stmt><Id>B1</Id><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(open / 100).toFixed(2)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(Math.abs(open + sum) / 100).toFixed(2)}</Amt><CdtDbtInd>${open + sum >= 0 ? 'CRDT' : 'DBIT'}</CdtDbtInd><Dt><Dt>2026-12-31</Dt></Dt></Bal>
${e.join('\n')}</Stmt></BkToCstmrStmt></Document>`);
}

interface Figures { ms: number; rssMb: number; new: number; duplicates: number; mismatches: number; startupMs: number }

/** Child mode: one import into the vault and state folders given, timed from parse to cash position. */
async function childMain(format: string, file: string, vaultDir: string, stateDir: string, fresh: boolean): Promise<void> {
  const { makeTestContext } = await import('../test/support/context.ts');
  const { parseStatementFile } = await import('../companion/statements/index.ts');
  const { mergeStatements, openState } = await import('../companion/statements/merge.ts');
  const { recomputeCash } = await import('../companion/statements/position.ts');
  const { statementsJob } = await import('../companion/statements/index.ts');
  const s0 = performance.now();
  const t = makeTestContext({ vaultDir, stateDir, now: new Date('2026-12-31T09:00:00Z'), template: fresh });
  const ctx = t.contextFor(statementsJob);
  const startupMs = performance.now() - s0;
  const t0 = performance.now();
  const parsed = parseStatementFile(format as '1c', file, file.slice(file.lastIndexOf('/') + 1));
  const state = openState(ctx);
  const c = await mergeStatements(ctx, parsed, { name: file.slice(file.lastIndexOf('/') + 1), sha256: createHash('sha256').update(file).digest('hex') }, state);
  recomputeCash(ctx, state);
  const ms = performance.now() - t0;
  const f: Figures = { ms, rssMb: process.resourceUsage().maxRSS / 1024, new: c.new, duplicates: c.duplicates, mismatches: c.mismatches, startupMs };
  console.log(JSON.stringify(f));
}

function child(format: string, file: string, vaultDir: string, stateDir: string, fresh: boolean): Figures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, 'child', format, file, vaultDir, stateDir, fresh ? 'fresh' : 'existing'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${format} ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aios-bench-statements-'));
  try {
    const f1c = join(dir, 'big-1c.txt'), fcsv = join(dir, 'big.csv'), fcamt = join(dir, 'big-camt053.xml');
    const fwarm = join(dir, 'ledger-200k-1c.txt'), fsmall = join(dir, 'daily-1000-1c.txt');
    make1C(f1c, 100_000, '2026-01-01', 365, 1, 100_000_000);
    makeCsv(fcsv, 100_000);
    makeCamt(fcamt, 20_000);
    // The ledger: 200,000 documents over 2026; the new statement: 1,000 documents with numbers of
    // their own over its last 12 days, so they interleave with the December rows already there.
    const warm = make1C(fwarm, 200_000, '2026-01-01', 365, 1, 100_000_000);
    make1C(fsmall, 1_000, '2026-12-20', 12, 5_000_000, warm.closing);
    // Not a target case: the same 1,000 rows spread over the whole year touch (read, splice, write) all 12 months.
    const fspread = join(dir, 'spread-1000-1c.txt');
    make1C(fspread, 1_000, '2026-01-01', 365, 7_000_000, 100_000_000);
    const mb = (p: string) => (readFileSync(p).length / 1048576).toFixed(1);
    console.log(`files: 1C ${mb(f1c)} MB (shape of bench_statement.txt), CSV ${mb(fcsv)} MB, CAMT ${mb(fcamt)} MB, ledger 1C ${mb(fwarm)} MB, daily 1C ${mb(fsmall)} MB`);

    const line = (name: string, r: Figures, limitMs: number) => {
      const ok = r.ms <= limitMs && r.rssMb <= 400;
      console.log(`${name.padEnd(52)} ${(r.ms / 1000).toFixed(2)} s (target <= ${limitMs / 1000} s)  ${r.rssMb.toFixed(0)} MB peak RSS (target <= 400 MB)  new=${r.new} dup=${r.duplicates} mismatches=${r.mismatches}  ${ok ? 'OK' : 'OVER'}`);
      return ok;
    };
    const fresh = (name: string) => ({ vault: mkdtempSync(join(dir, `${name}-vault-`)), state: mkdtempSync(join(dir, `${name}-state-`)) });
    let ok = true;
    const a = fresh('1c');
    ok = line('1C 100,000 transactions: parse + merge + cash', child('1c', f1c, a.vault, a.state, true), 3000) && ok;
    const b = fresh('csv');
    const csv = child('csv', fcsv, b.vault, b.state, true);
    ok = line('CSV 100,000 rows: parse + merge + cash', csv, 3000) && ok;
    const c = fresh('camt');
    ok = line('CAMT.053 20,000 entries: parse + merge + cash', child('camt', fcamt, c.vault, c.state, true), 3000) && ok;
    const d = fresh('ledger');
    const built = child('1c', fwarm, d.vault, d.state, true);
    console.log(`  (ledger built by another process: ${built.new} transactions in ${(built.ms / 1000).toFixed(2)} s)`);
    const small = child('1c', fsmall, d.vault, d.state, false);
    ok = line('1,000 rows into a 200,000-row ledger + cash', small, 1000) && ok;
    console.log(`  (process start-up before the timer: vault index and settings ${small.startupMs.toFixed(0)} ms)`);
    if (small.new !== 1000) { console.log(`  the 1,000-row statement merged ${small.new} new rows, not 1000`); ok = false; }
    const spread = child('1c', fspread, d.vault, d.state, false);
    console.log(`  (worst case, not a target: 1,000 rows spread over all 12 months of the ledger ${(spread.ms / 1000).toFixed(2)} s, ${spread.rssMb.toFixed(0)} MB, new=${spread.new})`);

    if (existsSync('/usr/bin/hledger')) {
      const rules = join(dir, 'big.csv.rules');
      writeFileSync(rules, 'skip 1\nfields date, amount, description, account, currency, counterparty\ncurrency EUR\naccount1 assets:bank\n');
      const t0 = performance.now();
      execFileSync('/usr/bin/hledger', ['-f', fcsv, '--rules-file', rules, 'print'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
      const hl = performance.now() - t0;
      console.log(`hledger print on the same CSV: ${(hl / 1000).toFixed(2)} s; ours ${(csv.ms / 1000).toFixed(2)} s = ${(csv.ms / hl).toFixed(3)} x hledger's time`);
    } else console.log('hledger not installed (apt-get install hledger): no ratio');
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === 'child') {
    const [, , , format, file, vaultDir, stateDir, mode] = process.argv;
    await childMain(format!, file!, vaultDir!, stateDir!, mode === 'fresh');
  } else await main();
}
