// What each answer to a statements question does. Every handler is idempotent (a second run after a
// crash finds its effect done and says so): rows are removed by key, notes deleted if present, files
// moved if still in the archive. The ledger notes stay the truth; the cache follows them by hash.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  insertLedgerRows, ledgerBody, linkTo, moneyToNumber, parseLedgerRows, parseRemovedRows, type Frontmatter, type LedgerRow, type RemovedRow,
} from '../../contract/index.ts';
import type { AnswerHandler, DecisionKind, JobContext } from '../core/job.ts';
import { quarantine } from '../core/imports.ts';
import { recomputeCash } from './position.ts';
import { LedgerStore } from './store.ts';

const WITHDRAWN = 'withdrawn.txt';

/** SHA-256 of files whose statement the owner withdrew: importing them again is refused. */
export function withdrawnHashes(ctx: Pick<JobContext, 'state'>): Set<string> {
  return new Set(ctx.state.readLines(WITHDRAWN));
}

const target = (targets: readonly string[], kind: string) => targets.find((t) => t.startsWith(`${kind}:`))?.slice(kind.length + 1);

/** Rewrites one ledger month from its rows (the owner asked for the change, so their edits are its baseline). */
function writeMonth(ctx: JobContext, path: string, rows: readonly LedgerRow[], removed: readonly RemovedRow[]): void {
  const fm = ctx.vault.readNote(path).frontmatter as unknown as Frontmatter<'account_ledger'>;
  let inflow = 0n, outflow = 0n;
  for (const r of rows) if (r.amount >= 0n) inflow += r.amount; else outflow -= r.amount;
  const next: Frontmatter<'account_ledger'> = {
    account: fm.account, currency: fm.currency, month: fm.month, transaction_count: rows.length,
    inflow: moneyToNumber(inflow), outflow: moneyToNumber(outflow), updated: ctx.clock.localDateTime(),
    ...(fm.closing_balance !== undefined ? { closing_balance: fm.closing_balance } : {}),
  };
  ctx.vault.writeCompanionNote('account_ledger', next, ledgerBody(fm.account, fm.currency, fm.month, rows, removed), { path, ownerAsked: true });
}

/** The cache follows the notes that changed, and the cash position follows the cache. */
function refresh(ctx: JobContext, then?: (store: LedgerStore) => void): void {
  const store = LedgerStore.open(ctx);
  then?.(store);
  recomputeCash(ctx, store);
  store.save();
}

const dropNew: AnswerHandler = async (item, ctx) => {
  const byPath = new Map<string, Set<string>>();
  for (const t of item.targets) {
    const m = /^row:(.+\.md)#(.+)$/.exec(t);
    if (!m) continue;
    if (!byPath.has(m[1]!)) byPath.set(m[1]!, new Set());
    byPath.get(m[1]!)!.add(m[2]!);
  }
  let dropped = 0, already = 0;
  for (const [path, keys] of byPath) {
    if (!ctx.vault.exists(path)) continue;
    const body = ctx.vault.readNote(path).body;
    const rows = parseLedgerRows(body, path);
    const removed = parseRemovedRows(body, path);
    already += removed.filter((r) => keys.has(r.key)).length;
    const drop = rows.filter((r) => keys.has(r.key));
    if (drop.length === 0) continue;
    const today = ctx.clock.localDate();
    const why = `duplicate: your answer to "${item.title}"`;
    writeMonth(ctx, path, rows.filter((r) => !keys.has(r.key)), [
      ...removed,
      ...drop.map((r) => ({ removed: today, key: r.key, date: r.date, amount: r.amount, text: r.text.slice(0, 120), why })),
    ]);
    dropped += drop.length;
  }
  if (dropped === 0) return { resolution: already ? `The ${already} row(s) were already removed as duplicates.` : 'None of the listed rows is in the ledger any more: nothing removed.' };
  refresh(ctx);
  return { resolution: `Removed ${dropped} row(s) as duplicates from ${[...byPath.keys()].map((p) => linkTo(p.slice(0, -3).split('/').slice(-2).join('/'))).join(', ')}; they are listed there under "Removed as duplicates", so a re-import does not bring them back.` };
};

const accept: AnswerHandler = async (item, ctx) => {
  const path = target(item.targets, 'statement');
  const account = target(item.targets, 'account');
  if (!path || !ctx.vault.exists(path)) return { resolution: 'The statement note is gone: nothing to accept.' };
  const fm = ctx.vault.readNote(path).frontmatter;
  if (fm.balance_check !== 'accepted') ctx.vault.updateCompanionKeys(path, { balance_check: 'accepted' });
  const note = path.slice(path.lastIndexOf('/') + 1, -3);
  refresh(ctx, (store) => account && store.setStatementCheck(account, note, 'accepted'));
  return { resolution: `Accepted: ${linkTo(note)} counts as confirmed and the cash position no longer marks it.` };
};

const askBank: AnswerHandler = async () => ({ resolution: 'Kept as it is: the statement stays imported and its balance unconfirmed until a corrected statement arrives.' });

async function sha256(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const withdraw: AnswerHandler = async (item, ctx) => {
  const path = target(item.targets, 'statement');
  const account = target(item.targets, 'account');
  const hash = target(item.targets, 'file');
  if (!path || !account) return { resolution: 'The item names no statement: nothing withdrawn.' };
  const note = path.slice(path.lastIndexOf('/') + 1, -3);
  if (hash && !withdrawnHashes(ctx).has(hash)) ctx.state.appendLine(WITHDRAWN, hash);
  let rowsOut = 0;
  for (const e of ctx.index.byKind('account_ledger').filter((x) => x.frontmatter.account === account)) {
    const body = ctx.vault.readNote(e.path).body;
    const rows = parseLedgerRows(body, e.path);
    const keep = rows.filter((r) => r.statement !== note);
    if (keep.length === rows.length) continue;
    writeMonth(ctx, e.path, keep, parseRemovedRows(body, e.path));
    rowsOut += rows.length - keep.length;
  }
  const noteGone = ctx.vault.removeFile(path);
  // The file itself, from the archive into quarantine beside a report saying why.
  let file: string | undefined;
  const archive = `${ctx.settings.string('import_folder')}/Archive`;
  for (const rel of hash ? ctx.vault.list(archive, { recursive: true }) : []) {
    if ((await sha256(ctx.vault.abs(rel))) !== hash) continue;
    file = quarantine(ctx, rel, rel.slice(rel.lastIndexOf('/') + 1), `withdrawn on your answer to "${item.title}": its balances did not add up. Drop a corrected statement into the import folder.`);
    break;
  }
  refresh(ctx, (store) => store.forgetStatement(account, note));
  if (rowsOut === 0 && !noteGone && !file) return { resolution: 'Already withdrawn: no row of the statement is in the ledger and its note is gone.' };
  return { resolution: `Withdrawn: took ${rowsOut} row(s) out of the ledger, removed the statement note${file ? ` and quarantined the file (${file})` : ''}. The same file will not be imported again.` };
};

const copyRows: AnswerHandler = async (item, ctx) => {
  const ledger = target(item.targets, 'ledger');
  const copy = target(item.targets, 'copy');
  if (!ledger || !copy) return { resolution: 'The item names no ledger or copy: nothing done.' };
  if (!ctx.vault.exists(copy)) return { resolution: 'The copy is already gone: nothing to copy.' };
  const copyRowsList = parseLedgerRows(ctx.vault.readNote(copy).body, copy);
  let added = 0;
  if (ctx.vault.exists(ledger)) {
    const body = ctx.vault.readNote(ledger).body;
    const have = new Set(parseLedgerRows(body, ledger).map((r) => r.key));
    const missing = copyRowsList.filter((r) => !have.has(r.key));
    if (missing.length) {
      const merged = insertLedgerRows(body, missing, ledger);
      writeMonth(ctx, ledger, parseLedgerRows(merged, ledger), parseRemovedRows(body, ledger));
      added = missing.length;
    } else writeMonth(ctx, ledger, parseLedgerRows(body, ledger), parseRemovedRows(body, ledger));
  }
  ctx.vault.removeFile(copy);
  refresh(ctx);
  return { resolution: `Copied ${added} row(s) into ${linkTo(ledger.slice(0, -3).split('/').slice(-2).join('/'))}, keeping your edits, and deleted the copy.` };
};

const keepEdited: AnswerHandler = async (item, ctx) => {
  const ledger = target(item.targets, 'ledger');
  const copy = target(item.targets, 'copy');
  if (ledger && ctx.vault.exists(ledger)) {
    // The ledger as edited becomes the companion's baseline, so the next statement adds to it.
    const body = ctx.vault.readNote(ledger).body;
    writeMonth(ctx, ledger, parseLedgerRows(body, ledger), parseRemovedRows(body, ledger));
  }
  const deleted = copy ? ctx.vault.removeFile(copy) : false;
  refresh(ctx);
  return { resolution: `Kept the ledger as you edited it${deleted ? ' and deleted the copy' : ''}; later statements add to it.` };
};

export const STATEMENT_DECISIONS: readonly DecisionKind[] = [
  { kind: 'possible_duplicate', options: { keep_all: async () => ({ resolution: 'Kept every row: they are different payments.' }), drop_new: dropNew } },
  { kind: 'balance_mismatch', options: { accept, ask_bank: askBank, withdraw } },
  { kind: 'ledger_conflict', options: { copy_rows: copyRows, keep_edited: keepEdited } },
];
