// The bank side as the passes over it read it (reconciliation, risk, the digest): every booked row of
// the ledger notes, its counterparty resolved from its identifiers first and the ledger's link second
// (contract/ledger.ts says why), and the dates the statements cover per currency. Transfers between the
// business's own accounts are not payments.
import { linkTarget, linkTo, parseLedgerRows, WIKILINK_RE, type Frontmatter, type Money } from '../../contract/index.ts';
import type { JobContext } from './job.ts';
import type { IndexEntry } from './vault-index.ts';

/** Strings by code point: dates, paths and keys sort the same on every machine and locale, and fast. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One booked bank row that is a payment (not an own transfer). */
export interface BankRow {
  /** The ledger row's dedup key: with `ledger`, the row's identity. */
  key: string;
  /** Vault path of the ledger month note, without `.md`. */
  ledger: string;
  account: string;
  /** YYYY-MM-DD */
  date: string;
  /** Signed: money in positive, money out negative. */
  amount: Money;
  currency: string;
  counterpartyName?: string;
  counterpartyAccount?: string;
  counterpartyTaxId?: string;
  /** The counterparty note the row resolves to, when one does (its identifiers first, the link second). */
  counterparty?: string;
  /** Payment purpose / remittance text. */
  text: string;
  reference?: string;
}

export interface Bank {
  rows: BankRow[];
  /** First and last booked date per currency: what the statements can say anything about. */
  covered: Map<string, { from: string; to: string }>;
}

/**
 * The counterparty note a bank row's identifiers name, as a wikilink: its tax id, else its account, else
 * the link or name in its Counterparty cell. Memoised per identity: a ledger repeats a few thousand.
 */
export function counterpartyResolver(ctx: Pick<JobContext, 'index'>): (taxId: string, account: string, cell: string) => string | undefined {
  const resolved = new Map<string, string | undefined>();
  return (taxId, account, cell) => {
    const k = `${taxId}\u0000${account}\u0000${cell}`;
    if (resolved.has(k)) return resolved.get(k);
    let hit = (taxId && ctx.index.findCounterparty({ taxId })) || (account && ctx.index.findCounterparty({ account })) || undefined;
    if (!hit) {
      const linked = WIKILINK_RE.test(cell) ? linkTarget(cell) : undefined;
      hit = linked ? ctx.index.findCounterparty({ name: linked }) : cell ? ctx.index.findCounterparty({ name: cell }) : undefined;
    }
    const link = hit ? linkTo(hit.name) : undefined;
    resolved.set(k, link);
    return link;
  };
}

/** The booked payment rows of the ledger notes (those `only` picks, when given), oldest first. */
export function readBank(ctx: Pick<JobContext, 'index' | 'vault'>, only?: (ledger: IndexEntry) => boolean): Bank {
  const rows: BankRow[] = [];
  const covered = new Map<string, { from: string; to: string }>();
  const resolve = counterpartyResolver(ctx);
  for (const e of ctx.index.byKind('account_ledger').sort((a, b) => byText(a.path, b.path))) {
    if (only && !only(e)) continue;
    const fm = e.frontmatter as Frontmatter<'account_ledger'>;
    let parsed;
    try {
      parsed = parseLedgerRows(ctx.vault.readNote(e.path).body, e.path);
    } catch (err) {
      // An unreadable ledger is the statements module's to raise; the rest is still reconciled.
      void err;
      continue;
    }
    const ledger = e.path.slice(0, -3);
    for (const r of parsed) {
      const span = covered.get(fm.currency);
      if (!span) covered.set(fm.currency, { from: r.date, to: r.date });
      else {
        if (r.date < span.from) span.from = r.date;
        if (r.date > span.to) span.to = r.date;
      }
      if (r.own) continue;
      const name = WIKILINK_RE.test(r.counterparty) ? linkTarget(r.counterparty) : r.counterparty;
      const cp = resolve(r.cpTaxId, r.cpAccount, r.counterparty);
      rows.push({
        key: r.key,
        ledger,
        account: fm.account,
        date: r.date,
        amount: r.amount,
        currency: fm.currency,
        ...(name ? { counterpartyName: name } : {}),
        ...(r.cpAccount ? { counterpartyAccount: r.cpAccount } : {}),
        ...(r.cpTaxId ? { counterpartyTaxId: r.cpTaxId } : {}),
        ...(cp ? { counterparty: cp } : {}),
        text: r.text,
        ...(r.reference ? { reference: r.reference } : {}),
      });
    }
  }
  rows.sort((a, b) => byText(a.date, b.date) || byText(a.ledger, b.ledger) || byText(a.key, b.key));
  return { rows, covered };
}

/** `<ledger note path without .md>#<row key>`: a row's identity across the module (targets, payments, state). */
export const rowId = (r: Pick<BankRow, 'ledger' | 'key'>): string => `${r.ledger}#${r.key}`;
