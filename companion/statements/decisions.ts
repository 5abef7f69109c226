// What each answer to a statements question does. Every handler is idempotent (a second run after a
// crash finds its effect done, finishes what is left and says what the answer did): rows are removed
// by key, notes deleted if present, files moved if still in the archive. The ledger notes stay the
// truth, changed in place so the owner's own edits of them stay; the cache follows them by hash.
import { catalogueFor } from '../core/i18n/index.ts';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import {
  LEDGER_HEADER, REMOVED_HEADING, insertLedgerRows, ledgerBody, linkTo, moneyToNumber, parseLedgerRows, parseRemovedRows, renderRemovedTable, safeFileName,
  type Frontmatter, type LedgerRow, type RemovedRow,
} from '../../contract/index.ts';
import type { AnswerHandler, DecisionKind, JobContext } from '../core/job.ts';
import { splitOwnerSection } from '../core/frontmatter.ts';
import { recomputeCash } from './position.ts';
import { LedgerStore } from './store.ts';

const WITHDRAWN = 'withdrawn.txt';

/** SHA-256 of files whose statement the owner withdrew: importing them again is refused. */
export function withdrawnHashes(ctx: Pick<JobContext, 'state'>): Set<string> {
  return new Set(ctx.state.readLines(WITHDRAWN));
}

const target = (targets: readonly string[], kind: string) => targets.find((t) => t.startsWith(`${kind}:`))?.slice(kind.length + 1);

const LEDGER_HEADER_LINE = `| ${LEDGER_HEADER.join(' | ')} |`;
const LEDGER_SEPARATOR_LINE = `| ${LEDGER_HEADER.map(() => '---').join(' | ')} |`;

/** The companion's part of a ledger note's body (below it, the owner's section is kept by the write). */
const generatedOf = (ctx: JobContext, path: string) => splitOwnerSection(ctx.vault.readNote(path).body).generated;

/**
 * Writes one ledger month as `body` says, its totals from its rows. The owner asked for the change, so
 * their edits are its baseline: the text is changed where the answer says, never rendered anew, so a
 * cell or a sentence the owner changed by hand stays.
 */
function writeMonth(ctx: JobContext, path: string, body: string): void {
  const fm = ctx.vault.readNote(path).frontmatter as unknown as Frontmatter<'account_ledger'>;
  const rows = parseLedgerRows(body, path);
  let inflow = 0n, outflow = 0n;
  for (const r of rows) if (r.amount >= 0n) inflow += r.amount; else outflow -= r.amount;
  const next: Frontmatter<'account_ledger'> = {
    account: fm.account, currency: fm.currency, month: fm.month, transaction_count: rows.length,
    inflow: moneyToNumber(inflow), outflow: moneyToNumber(outflow), updated: ctx.clock.localDateTime(),
    ...(fm.closing_balance !== undefined ? { closing_balance: fm.closing_balance } : {}),
  };
  ctx.vault.writeCompanionNote('account_ledger', next, body, { path, ownerAsked: true });
}

/** The body without the ledger rows `drop` picks, every other line as it was. */
function withoutRows(ctx: JobContext, body: string, path: string, drop: (r: LedgerRow) => boolean): string {
  const out: string[] = [];
  let inTable = false;
  for (const line of body.split('\n')) {
    if (line === LEDGER_HEADER_LINE) inTable = true;
    else if (inTable && !line.startsWith('|')) inTable = false;
    else if (inTable && line !== LEDGER_SEPARATOR_LINE) {
      const row = parseLedgerRows(`${LEDGER_HEADER_LINE}\n${LEDGER_SEPARATOR_LINE}\n${line}\n`, path)[0];
      if (row && drop(row)) continue;
    }
    out.push(line);
  }
  const text = out.join('\n');
  if (!parseLedgerRows(text, path).some(drop)) return text;
  // A table the owner re-spaced by hand: rendered anew from its rows (its other text stays above it).
  const fm = ctx.vault.readNote(path).frontmatter as unknown as Frontmatter<'account_ledger'>;
  return ledgerBody(fm.account, fm.currency, fm.month, parseLedgerRows(body, path).filter((r) => !drop(r)), parseRemovedRows(body, path));
}

/** The body with these rows added to its "Removed as duplicates" table (made when missing). */
function withRemoved(body: string, path: string, added: readonly RemovedRow[]): string {
  const table = renderRemovedTable([...parseRemovedRows(body, path), ...added]);
  const heading = `${REMOVED_HEADING}\n`;
  const at = body.startsWith(heading) ? 0 : body.indexOf(`\n${heading}`) + 1;
  if (at === 0 && !body.startsWith(heading)) return `${body.replace(/\n*$/, '\n')}\n${heading}\n${table}`;
  // From the heading to the end of its table; whatever follows stays.
  let end = body.indexOf('\n', at) + 1;
  while (body.startsWith('\n', end)) end++;
  while (body.startsWith('|', end)) {
    const nl = body.indexOf('\n', end);
    end = nl < 0 ? body.length : nl + 1;
  }
  return `${body.slice(0, at)}${REMOVED_HEADING}\n\n${table}${body.slice(end)}`;
}

/** The cache follows the notes that changed, and the cash position follows the cache. */
function refresh(ctx: JobContext, then?: (store: LedgerStore) => void): void {
  const store = LedgerStore.open(ctx);
  then?.(store);
  recomputeCash(ctx, store);
  store.save();
}

const monthLink = (path: string) => linkTo(path.slice(0, -3).split('/').slice(-2).join('/'));

const dropNew: AnswerHandler = async (item, ctx) => {
  const byPath = new Map<string, Set<string>>();
  for (const t of item.targets) {
    const m = /^row:(.+\.md)#(.+)$/.exec(t);
    if (!m) continue;
    if (!byPath.has(m[1]!)) byPath.set(m[1]!, new Set());
    byPath.get(m[1]!)!.add(m[2]!);
  }
  // Rows this answer removed (now, or in a run a crash cut short: same reason) and rows another answer had removed.
  const why = `duplicate: your answer to "${item.title}"`;
  let ours = 0, others = 0;
  const months: string[] = [];
  for (const [path, keys] of byPath) {
    if (!ctx.vault.exists(path)) continue;
    const body = generatedOf(ctx, path);
    const removed = parseRemovedRows(body, path).filter((r) => keys.has(r.key));
    ours += removed.filter((r) => r.why === why).length;
    others += removed.filter((r) => r.why !== why).length;
    const drop = parseLedgerRows(body, path).filter((r) => keys.has(r.key));
    if (drop.length || removed.some((r) => r.why === why)) months.push(path);
    if (drop.length === 0) continue;
    const today = ctx.clock.localDate();
    const gone = new Set(drop.map((r) => r.key));
    writeMonth(ctx, path, withRemoved(withoutRows(ctx, body, path, (r) => gone.has(r.key)), path,
      drop.map((r) => ({ removed: today, key: r.key, date: r.date, amount: r.amount, text: r.text.slice(0, 120), why }))));
    ours += drop.length;
  }
  if (ours === 0) return { resolution: others ? catalogueFor(ctx)['statements.done.already_removed']({ count: others }) : catalogueFor(ctx)['statements.done.none_left']() };
  // Also after a crash that removed the rows but not yet the cached totals and the cash position.
  refresh(ctx);
  return { resolution: catalogueFor(ctx)['statements.done.removed']({ count: ours, months: months.map(monthLink).join(', '), others }) };
};

const accept: AnswerHandler = async (item, ctx) => {
  const path = target(item.targets, 'statement');
  const account = target(item.targets, 'account');
  if (!path || !ctx.vault.exists(path)) return { resolution: catalogueFor(ctx)['statements.done.statement_gone']() };
  const fm = ctx.vault.readNote(path).frontmatter;
  if (fm.balance_check !== 'accepted') ctx.vault.updateCompanionKeys(path, { balance_check: 'accepted' });
  const note = path.slice(path.lastIndexOf('/') + 1, -3);
  refresh(ctx, (store) => account && store.setStatementCheck(account, note, 'accepted'));
  return { resolution: catalogueFor(ctx)['statements.done.accepted']({ note: linkTo(note) }) };
};

const askBank: AnswerHandler = async (_item, ctx) => ({ resolution: catalogueFor(ctx)['statements.done.ask_bank']() });

async function sha256(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function withHash(ctx: JobContext, files: readonly string[], hash: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of files) if ((await sha256(ctx.vault.abs(rel))) === hash) out.push(rel);
  return out;
}

/**
 * The import report beside a quarantined file, written once. It says what `quarantine` (core/imports.ts)
 * says; it is written here, before the move, so a crash between the two cannot leave a file without one.
 */
function reportOnce(ctx: JobContext, moved: string, name: string, reason: string): void {
  const file = moved.slice(moved.lastIndexOf('/') + 1);
  const fm: Frontmatter<'import_report'> = { file, original_name: name, reason, created: ctx.clock.localDateTime(), status: 'open' };
  if (ctx.vault.exists(ctx.vault.pathFor('import_report', fm))) return;
  ctx.vault.writeCompanionNote('import_report', fm, [
    `# Not imported: ${file}`,
    '',
    `**Why:** ${reason}`,
    '',
    `The file is kept as it arrived, beside this report: [[${moved}]]. Fix it (or add a CSV profile in the rules), then move it back into the import folder to try again.`,
    '',
  ].join('\n'));
}

/**
 * Moves the archived file with this content into quarantine beside one report, once: a retry finds it
 * there (and, after a move cut between its link and unlink, drops the archive's second name of it).
 */
async function quarantineOnce(ctx: JobContext, hash: string, reason: string): Promise<string | undefined> {
  const folder = ctx.vault.folder('import_report');
  const archived = await withHash(ctx, ctx.vault.list(`${ctx.settings.string('import_folder')}/Archive`, { recursive: true }), hash);
  const [done] = await withHash(ctx, ctx.vault.list(folder).filter((f) => !f.endsWith('.md')), hash);
  if (done) {
    const inode = (rel: string) => statSync(ctx.vault.abs(rel));
    for (const a of archived) if (inode(a).ino === inode(done).ino && inode(a).dev === inode(done).dev) ctx.vault.removeFile(a);
    reportOnce(ctx, done, done.slice(done.lastIndexOf('/') + 1), reason);
    return done;
  }
  const from = archived[0];
  if (!from) return undefined;
  const name = from.slice(from.lastIndexOf('/') + 1);
  const base = `${folder}/${safeFileName(name, 120)}`;
  let dest = base;
  for (let n = 2; ctx.vault.exists(dest); n++) dest = base.replace(/(\.[^./]*)?$/, (ext) => ` (${n})${ext}`);
  // Report first: a crash before the move leaves the file in the archive, and the retry picks the same place.
  reportOnce(ctx, dest, name, reason);
  return ctx.vault.moveFile(from, dest);
}

const withdraw: AnswerHandler = async (item, ctx) => {
  const path = target(item.targets, 'statement');
  const account = target(item.targets, 'account');
  const hash = target(item.targets, 'file');
  if (!path || !account) return { resolution: catalogueFor(ctx)['statements.done.no_statement']() };
  const note = path.slice(path.lastIndexOf('/') + 1, -3);
  if (hash && !withdrawnHashes(ctx).has(hash)) ctx.state.appendLine(WITHDRAWN, hash);
  for (const e of ctx.index.byKind('account_ledger').filter((x) => x.frontmatter.account === account)) {
    const body = generatedOf(ctx, e.path);
    if (parseLedgerRows(body, e.path).some((r) => r.statement === note)) writeMonth(ctx, e.path, withoutRows(ctx, body, e.path, (r) => r.statement === note));
  }
  ctx.vault.removeFile(path);
  const file = hash ? await quarantineOnce(ctx, hash, `withdrawn on your answer to "${item.title}": its balances did not add up. Drop a corrected statement into the import folder.`) : undefined;
  refresh(ctx, (store) => store.forgetStatement(account, note));
  // Said the same way when a retry after a crash finds part of it done.
  return { resolution: catalogueFor(ctx)['statements.done.withdrawn']({ note: linkTo(note), ...(file ? { file } : {}) }) };
};

const copyRows: AnswerHandler = async (item, ctx) => {
  const ledger = target(item.targets, 'ledger');
  const copy = target(item.targets, 'copy');
  if (!ledger || !copy) return { resolution: catalogueFor(ctx)['statements.done.no_ledger']() };
  if (!ctx.vault.exists(copy)) return { resolution: catalogueFor(ctx)['statements.done.copy_gone']() };
  const copyRowsList = parseLedgerRows(ctx.vault.readNote(copy).body, copy);
  let added = 0;
  if (ctx.vault.exists(ledger)) {
    const body = generatedOf(ctx, ledger);
    const have = new Set(parseLedgerRows(body, ledger).map((r) => r.key));
    const missing = copyRowsList.filter((r) => !have.has(r.key));
    // Spliced into the text as the owner left it, which becomes the baseline.
    writeMonth(ctx, ledger, missing.length ? insertLedgerRows(body, missing, ledger) : body);
    added = missing.length;
  }
  ctx.vault.removeFile(copy);
  refresh(ctx);
  return { resolution: catalogueFor(ctx)['statements.done.copied']({ count: added, ledger: monthLink(ledger) }) };
};

const keepEdited: AnswerHandler = async (item, ctx) => {
  const ledger = target(item.targets, 'ledger');
  const copy = target(item.targets, 'copy');
  // The ledger exactly as edited becomes the companion's baseline, so the next statement adds to it.
  if (ledger && ctx.vault.exists(ledger)) writeMonth(ctx, ledger, generatedOf(ctx, ledger));
  const deleted = copy ? ctx.vault.removeFile(copy) : false;
  refresh(ctx);
  return { resolution: catalogueFor(ctx)['statements.done.kept_edited']({ deleted }) };
};

export const STATEMENT_DECISIONS: readonly DecisionKind[] = [
  { kind: 'possible_duplicate', options: { keep_all: async (_item, ctx) => ({ resolution: catalogueFor(ctx)['statements.done.kept_all']() }), drop_new: dropNew } },
  { kind: 'balance_mismatch', options: { accept, ask_bank: askBank, withdraw } },
  { kind: 'ledger_conflict', options: { copy_rows: copyRows, keep_edited: keepEdited } },
];
