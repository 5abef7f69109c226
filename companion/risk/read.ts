// What the scan needs, read from the index, the ledgers and the risk module's state folder into plain
// data. Bodies are read only for the recent messages the detectors look into.
import { addDays, linkTarget, linkToNote, moneyFromNumber, moneyToNumber, parseMoney, WIKILINK_RE, type Money } from '../../contract/index.ts';
import { counterpartyResolver, readBank } from '../core/bank.ts';
import type { JobContext } from '../core/job.ts';
import { ratesNotes, ratesOn } from '../core/rates.ts';
import { fmDay, fmStrings, fmText, ownerChanged } from '../core/frontmatter.ts';
import type { IndexEntry } from '../core/vault-index.ts';
import { announcesBankChange, claimWords } from './messages.ts';
import { pastMonths } from './history.ts';
import { payeeKey } from './payments.ts';
import { MESSAGE_DAYS, PAYMENT_DAYS, type CashFact, type ContractFact, type CounterpartyFact, type DecisionMemory, type InvoiceFact, type MessageFact, type PastPayment, type RiskConfig, type RiskInput } from './types.ts';

export const CONFIRMED_ACCOUNTS = 'confirmed-accounts.txt';
export const FRAUD_ACCOUNTS = 'fraud-accounts.txt';
export const LOW_CASH = 'low-cash.json';
const SIGNALS = 'signals.json';
/** A learner's category below this is a guess: a claim it names is confirmed by the words first. */
const LEARNER_SURE = 0.8;

const money = (v: unknown): Money => {
  try {
    return parseMoney(String(v ?? '0'));
  } catch {
    return 0n;
  }
};

export function riskConfig(s: JobContext['settings']): RiskConfig {
  return {
    contractHorizonDays: s.number('risk_contract_horizon_days'),
    overdueGraceDays: s.number('risk_overdue_grace_days'),
    duplicateWindowDays: s.number('risk_duplicate_window_days'),
    newPayeeAmount: s.number('risk_new_payee_amount'),
    cashFloor: s.number('risk_cash_floor'),
    runwayMonths: s.number('risk_runway_months'),
  };
}

function contractOf(e: IndexEntry): ContractFact {
  const fm = e.frontmatter;
  const notice = typeof fm.notice_days === 'number' ? fm.notice_days : undefined;
  return {
    path: e.path, link: linkToNote(e.path), title: fmText(fm.title) ?? e.path, status: fmText(fm.status) ?? 'active', autoRenew: fm.auto_renew === true,
    ...(fmText(fm.counterparty) ? { counterparty: fmText(fm.counterparty)! } : {}),
    ...(fmDay(fm.end) ? { end: fmDay(fm.end)! } : {}),
    ...(notice !== undefined ? { noticeDays: notice } : {}),
  };
}

function invoiceOf(e: IndexEntry): InvoiceFact {
  const fm = e.frontmatter;
  return {
    path: e.path, key: fmText(fm.invoice_key) ?? e.path, number: fmText(fm.number) ?? '?', direction: fm.direction === 'incoming' ? 'incoming' : 'outgoing',
    party: (fmText(fm.counterparty) ?? '').replace(/^\[\[|\]\]$/g, '') || fmText(fm.counterparty_name) || '?',
    issued: fmDay(fm.issued) ?? '', outstanding: money(fm.outstanding), currency: fmText(fm.currency) ?? '', status: fmText(fm.status) ?? 'open',
    ...(fmText(fm.counterparty) ? { counterparty: fmText(fm.counterparty)! } : {}),
    ...(fmDay(fm.due) ? { due: fmDay(fm.due)! } : {}),
  };
}

/** What the words of a message say, per note and version (`body_hash`, else `aios_hash`): bodies are read once. */
type Signals = Record<string, [version: string, claimWords: number, bankChange: boolean]>;

/** The text of a message note the words are looked for in: its subject and body. */
export function messageText(ctx: Pick<JobContext, 'vault'>, path: string, subject: string): string {
  try {
    return `${subject}\n${ctx.vault.readNote(path).body}`;
  } catch {
    // unreadable: its frontmatter still says enough for the dates
    return subject;
  }
}

function messageOf(ctx: Pick<JobContext, 'vault'>, e: IndexEntry, kind: MessageFact['kind'], signals: Signals, seen: Set<string>, fresh: { n: number }): MessageFact {
  const fm = e.frontmatter;
  const mail = kind === 'mail_message';
  const subject = (mail ? fmText(fm.subject) : fmText(fm.chat)) ?? '';
  const version = fmText(fm.body_hash) ?? fmText(fm.aios_hash) ?? '';
  let sig = signals[e.path];
  if (!sig || sig[0] !== version || version === '') {
    const body = messageText(ctx, e.path, subject);
    sig = signals[e.path] = [version, claimWords(body), announcesBankChange(body)];
    fresh.n++;
  }
  seen.add(e.path);
  const opt = (k: string, v: unknown) => (fmText(v) ? { [k]: fmText(v)! } : {});
  return {
    path: e.path, kind, subject,
    from: (mail ? fmText(fm.from) : fmText(fm.chat_id)) ?? '',
    date: fmDay(fm.date) ?? '',
    status: fmText(fm.status) ?? 'new',
    threadKey: (mail ? fmText(fm.thread_key) : `chat:${fmText(fm.chat_id) ?? e.path}`) ?? e.path,
    messageId: (mail ? fmText(fm.message_id) ?? fmText(fm.body_hash) : `${fmText(fm.chat_id)}:${fmDay(fm.date)}`) ?? e.path,
    list: fm.list === true,
    claimWords: sig[1],
    bankChange: sig[2],
    categorySure: ownerChanged(fm, 'category') || fm.triaged_by !== 'learner' || (typeof fm.confidence === 'number' && fm.confidence >= LEARNER_SURE),
    ...opt('fromName', fm.from_name), ...opt('category', fm.category), ...opt('counterparty', fm.counterparty),
    ...opt('deadline', fmDay(fm.deadline)), ...opt('bankAccount', fm.bank_account), ...opt('invoiceNumber', fm.invoice_number),
    ...opt('contractNumber', fm.contract_number), ...opt('summary', fm.summary), ...opt('decision', fm.decision),
  };
}

function counterpartyOf(e: IndexEntry): CounterpartyFact {
  const fm = e.frontmatter;
  const name = fmText(fm.name) ?? e.path.replace(/^.*\/|\.md$/g, '');
  return {
    link: `[[${e.path.replace(/^.*\//, '').replace(/\.md$/, '')}]]`, name, accounts: fmStrings(fm.accounts), emails: fmStrings(fm.emails).map((s) => s.toLowerCase()), domains: fmStrings(fm.domains),
    ...(fmText(fm.relationship) ? { relationship: fmText(fm.relationship)! } : {}),
    ...(fmText(fm.tax_id) ? { taxId: fmText(fm.tax_id)! } : {}),
  };
}

function ownAddresses(ctx: Pick<JobContext, 'settings'>): Set<string> {
  const own = new Set<string>();
  const add = (s: string) => {
    const a = s.trim().toLowerCase();
    if (/^[^\s@]+@[^\s@]+$/.test(a)) own.add(a);
  };
  ctx.settings.string('mail_own_addresses').split(',').forEach(add);
  try {
    for (const row of ctx.settings.rules('mail_accounts')) add(row.address ?? '');
  } catch {
    // an unreadable accounts note is the mail module's to report
  }
  return own;
}

export function readRiskInput(ctx: JobContext, cfg: RiskConfig): RiskInput {
  const today = ctx.clock.localDate();
  const base = ctx.settings.string('base_currency');
  const since = addDays(today, -MESSAGE_DAYS);
  const recent = (e: IndexEntry) => (fmDay(e.frontmatter.date) ?? '') >= since;
  const signals = ctx.state.readJson<Signals>(SIGNALS, {});
  const seen = new Set<string>();
  const fresh = { n: 0 };
  const messages = [
    ...ctx.index.byKind('mail_message').filter(recent).map((e) => messageOf(ctx, e, 'mail_message', signals, seen, fresh)),
    ...ctx.index.byKind('chat_log').filter(recent).map((e) => messageOf(ctx, e, 'chat_log', signals, seen, fresh)),
  ];
  // Messages out of the window are not looked at again: their entries go.
  const gone = Object.keys(signals).filter((p) => !seen.has(p));
  for (const p of gone) delete signals[p];
  if (gone.length || fresh.n) ctx.state.writeJson(SIGNALS, signals);
  // The months the scanned days (and the duplicate window before them) touch are read row by row; the
  // ones before are history, summarised once per version of the note.
  const recentFrom = addDays(today, -(PAYMENT_DAYS + cfg.duplicateWindowDays));
  const isRecent = (e: IndexEntry) => {
    const m = fmText(e.frontmatter.month) ?? '';
    return !/^\d{4}-\d{2}$/.test(m) || `${m}-31` >= recentFrom;
  };
  const bank = readBank(ctx, isRecent);
  const past = pastMonths(ctx, (e) => !isRecent(e));
  const historyFrom = new Map<string, string>();
  const seenOn = (account: string, date: string) => {
    const f = historyFrom.get(account);
    if (date && (!f || date < f)) historyFrom.set(account, date);
  };
  for (const m of past) seenOn(m.account, m.first);
  for (const r of bank.rows) seenOn(r.account, r.date);
  const rates = ratesNotes(ctx, base);
  const toBase = (amount: Money, currency: string, on: string): number | undefined => {
    const n = moneyToNumber(amount);
    if (currency === base) return n;
    // Any rate on or before the day (the newest known otherwise): a threshold needs a size, not a booking.
    const r = ratesOn(rates, on) ?? rates[0];
    const rate = r?.rates[currency];
    return rate === undefined ? undefined : n * Number(rate);
  };
  const resolve = counterpartyResolver(ctx);
  const pastOut: PastPayment[] = [];
  for (const m of past) {
    for (const [taxId, account, cell, date, amount] of m.out) {
      const b = toBase(moneyFromNumber(amount), m.currency, date);
      if (b === undefined) continue;
      const cp = resolve(taxId, account, cell);
      const name = WIKILINK_RE.test(cell) ? linkTarget(cell) ?? cell : cell;
      pastOut.push({ payee: payeeKey({ ...(cp ? { counterparty: cp } : {}), counterpartyTaxId: taxId, counterpartyAccount: account, counterpartyName: name }), account: m.account, date, base: b });
    }
  }
  const cashEntry = ctx.index.byKind('cash_position')[0];
  let cash: CashFact | undefined;
  if (cashEntry) {
    const fm = cashEntry.frontmatter;
    cash = {
      path: cashEntry.path, asOf: fmText(fm.as_of) ?? '', base: fmText(fm.base_currency) ?? base,
      ...(typeof fm.total_base === 'number' ? { totalBase: fm.total_base } : {}),
      ...(typeof fm.runway_months === 'number' ? { runwayMonths: fm.runway_months } : {}),
    };
  }
  const decisions: DecisionMemory[] = ctx.index.byKind('decision_record').filter((e) => fmText(e.frontmatter.decision_kind)).map((e) => {
    const fm = e.frontmatter;
    return {
      path: e.path, kind: fmText(fm.decision_kind)!, option: fmText(fm.option) ?? '', findingKey: fmText(fm.finding_key) ?? '', date: fmDay(fm.date) ?? '',
      ...(fmText(fm.contract) ? { contract: fmText(fm.contract)! } : {}),
      ...(fmText(fm.counterparty) ? { counterparty: fmText(fm.counterparty)! } : {}),
    };
  });
  const askedDuplicates = new Set<string>();
  for (const e of ctx.index.byKind('decision_item')) {
    if (e.frontmatter.kind !== 'possible_duplicate') continue;
    for (const t of fmStrings(e.frontmatter.targets)) if (t.startsWith('row:') && t.includes('#')) askedDuplicates.add(t.slice(t.lastIndexOf('#') + 1));
  }
  const low = ctx.state.readJson<{ since?: string }>(LOW_CASH, {});
  return {
    today, base,
    contracts: ctx.index.byKind('contract').map(contractOf),
    invoices: ctx.index.byKind('invoice_record').map(invoiceOf),
    messages,
    counterparties: ctx.index.byKind('counterparty').map(counterpartyOf),
    rows: bank.rows,
    pastOut,
    historyFrom,
    toBase,
    ...(cash ? { cash } : {}),
    decisions,
    askedDuplicates,
    confirmedAccounts: new Set(ctx.state.readLines(CONFIRMED_ACCOUNTS)),
    fraudAccounts: new Set(ctx.state.readLines(FRAUD_ACCOUNTS)),
    ownAddresses: ownAddresses(ctx),
    ...(low.since ? { lowCashSince: low.since } : {}),
  };
}
