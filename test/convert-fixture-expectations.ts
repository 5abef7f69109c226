// One-time converter: the expectations that come with the statement fixtures (1C `.snap` from the Rust
// parser's insta snapshots, MT940 `.yml` from wolph/mt940) into our normalised form, written to
// test/fixtures/statements/expected/<format>.json. Run: node --import tsx test/convert-fixture-expectations.ts
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ExpectedEntry { date: string; amount: string }
export interface Expected { outcome: 'parsed' | 'rejected'; entries?: ExpectedEntry[] }

// The repo's copies of the fixtures (test/fixtures/statements/<format>/, licences beside them).
const ROOT = join(import.meta.dirname, 'fixtures/statements');
const OUT = join(import.meta.dirname, 'fixtures/statements/expected');

const num = (s: string) => {
  const neg = s.startsWith('-');
  const [w, f = ''] = s.replace('-', '').split('.');
  return `${neg ? '-' : ''}${w}.${(f + '00').slice(0, Math.max(2, f.length))}`;
};

/** 1C: `Err(...)` is a rejection; each `Document` is one movement, signed by whose account is the statement's. */
function convert1C(snap: string): Expected {
  if (/^Err\(/m.test(snap)) return { outcome: 'rejected' };
  const accounts = [...snap.matchAll(/^ {12}"(\d+)": Account \{/gm)].map((m) => m[1]!);
  const entries: ExpectedEntry[] = [];
  for (const block of snap.split(/^ {12}Document \{/m).slice(1)) {
    const field = (k: string) => new RegExp(`^ {16}${k}: (?:Some\\(\\s*)?"?([^",\\n]*)"?`, 'm').exec(block)?.[1];
    const amount = field('amount')!;
    const payer = field('counterparty_account') ?? '';
    const payee = field('payee_account') ?? '';
    const dated = (k: string) => /^ {16}\w+: Some\(\s*(\d{4}-\d{2}-\d{2})/m.exec(block.slice(block.indexOf(`${k}:`)))?.[1];
    const docDate = field('doc_date')!;
    if (accounts.includes(payer)) entries.push({ date: dated('outcome_date') ?? docDate, amount: num('-' + amount) });
    if (accounts.includes(payee) && payee !== payer) entries.push({ date: dated('income_date') ?? docDate, amount: num(amount) });
  }
  return { outcome: 'parsed', entries };
}

function pyDate(v: unknown): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  const b = x instanceof Uint8Array ? Buffer.from(x) : typeof x === 'string' ? Buffer.from(x.replace(/\s+/g, ''), 'base64') : undefined;
  if (!b) return undefined;
  if (b.length < 4) return undefined;
  const y = b[0]! * 256 + b[1]!;
  return `${y}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}`;
}

/** MT940: the transactions list; an empty list with no balances means the file held no statement. */
function convertMt940(yml: string): Expected {
  const doc = parse(yml, { logLevel: 'silent', uniqueKeys: false, maxAliasCount: -1 }) as { data?: Record<string, unknown>; transactions?: { data: Record<string, unknown> }[] } | null;
  const tx = doc?.transactions ?? [];
  const hasBalance = Object.keys(doc?.data ?? {}).some((k) => k.includes('balance'));
  if (tx.length === 0 && !hasBalance) return { outcome: 'rejected' };
  return {
    outcome: 'parsed',
    entries: tx.map((t) => {
      const amt = (t.data.amount as { amount: unknown }).amount;
      const value = Array.isArray(amt) ? String(amt[0]) : String(amt);
      return { date: pyDate(t.data.entry_date) ?? pyDate(t.data.date) ?? '', amount: num(value) };
    }),
  };
}

export function convertAll(): Record<string, Record<string, Expected>> {
  const out: Record<string, Record<string, Expected>> = { '1c': {}, mt940: {} };
  for (const f of readdirSync(join(ROOT, '1c')).filter((f) => f.endsWith('.snap')).sort()) {
    out['1c']![f.replace(/\.snap$/, '')] = convert1C(readFileSync(join(ROOT, '1c', f), 'utf8'));
  }
  for (const f of readdirSync(join(ROOT, 'mt940')).filter((f) => f.endsWith('.yml')).sort()) {
    out.mt940![f.replace(/\.yml$/, '')] = convertMt940(readFileSync(join(ROOT, 'mt940', f), 'utf8'));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(OUT, { recursive: true });
  const all = convertAll();
  for (const [fmt, map] of Object.entries(all)) writeFileSync(join(OUT, `${fmt}.json`), JSON.stringify(map, null, 1) + '\n');
  console.log(Object.entries(all).map(([k, v]) => `${k}: ${Object.keys(v).length} expectations`).join(', '));
}
