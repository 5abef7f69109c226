// The matcher: bank rows against open invoices, pure and deterministic. Candidates come from indexes
// (counterparty note, tax id, account, name; document number, its digits, its running part and its
// one-typo variants; contract number; amount), never from all pairs. Rows are taken in date order and
// what an automatic match allocates comes off the invoice's outstanding amount, so later rows see what
// is still open. A row is matched without asking only when its best candidate is above `high`, clearly
// ahead of the next, and rests on more than an amount the counterparty has several times; between the
// thresholds the owner is asked with the candidates as options; below, the row stays unmatched.
import { formatMoney, type Money } from '../../../contract/money.ts';
import type { BankRow, Candidate, MatchConfig, MatchResult, MatchRule, OpenInvoice } from '../types.ts';
import { referencesIn } from './references.ts';
import { Names, deletions, idKey, nameKey, refKey, slipOf } from './normalize.ts';
import {
  AMOUNT_MATCHES, DEFAULT_CONFIG, REF_NAMES, REF_RANK, WEIGHTS, amountEvidence, citedLevel, citedOf, cpEvidence, cpWhy, dateEvidence, dayOf, feeTolerance, fxTolerance, refEvidence, rowAmountIn, scoreCeiling, scoreOf, viewInvoice,
  type AmountLevel, type Cited, type CpLevel, type DateLevel, type InvoiceView, type Levels, type RefLevel, type RowView,
} from './score.ts';

/** Posting lists longer than this say too little to be worth following (a common name word, a 3-digit typo variant). */
const POSTING_MAX = 64;
const NAME_WORD_MAX = 300;
/**
 * A counterparty with more invoices than this: only those whose amount (as the run started, or since
 * changed by a part payment) or number fits are scored. The others could only be options of a question.
 */
const CP_SCAN_ALL = 4;
/** The combination search: this many open invoices nearest in date, sets of 2..4. */
const SUM_POOL = 12;
const SUM_CREDIT_POOL = 4;
const REVIEW_OPTIONS = 5;

const REFUND_RE = /возврат|refund|rückerstattung|erstattung|storno|gutschrift/iu;

// ---------------------------------------------------------------- rules

interface Rules {
  byAccount: Map<string, MatchRule>;
  byTaxId: Map<string, MatchRule>;
  byName: Map<string, MatchRule>;
  amountOnly: Set<string>;
}

/** The owner's rules over the learned ones: for each payer key, and for each counterparty's amount-only permission. */
export function resolveRules(rules: readonly MatchRule[]): Rules {
  const out: Rules = { byAccount: new Map(), byTaxId: new Map(), byName: new Map(), amountOnly: new Set() };
  const amountOnly = new Map<string, { value: boolean; origin: MatchRule['origin'] }>();
  const put = (map: Map<string, MatchRule>, key: string, r: MatchRule) => {
    if (!key) return;
    const had = map.get(key);
    if (!had || (had.origin === 'learned' && r.origin === 'owner')) map.set(key, r);
  };
  for (const r of rules) {
    put(out.byAccount, idKey(r.payerAccount), r);
    put(out.byTaxId, idKey(r.payerTaxId), r);
    put(out.byName, nameKey(r.payerName), r);
    if (r.amountOnly !== undefined) {
      const had = amountOnly.get(r.counterparty);
      if (!had || (had.origin === 'learned' && r.origin === 'owner')) amountOnly.set(r.counterparty, { value: r.amountOnly, origin: r.origin });
    }
  }
  for (const [cp, v] of amountOnly) if (v.value) out.amountOnly.add(cp);
  return out;
}

// ---------------------------------------------------------------- indexes

class Postings {
  readonly map = new Map<string, number[]>();
  add(key: string, idx: number): void {
    if (!key) return;
    const list = this.map.get(key);
    if (!list) this.map.set(key, [idx]);
    else if (list[list.length - 1] !== idx) list.push(idx);
  }
  get(key: string): readonly number[] {
    return (key && this.map.get(key)) || [];
  }
}

interface AmountEntry { amount: Money; idx: number }
/** Invoices of one currency and one direction, sorted by amount. */
interface AmountList { currency: string; sign: number; entries: AmountEntry[] }

function listFor(lists: AmountList[], currency: string, sign: number): AmountList {
  let list = lists.find((l) => l.currency === currency && l.sign === sign);
  if (!list) lists.push((list = { currency, sign, entries: [] }));
  return list;
}

/** The invoices of entries whose amount lies in [lo, hi], at most `max`. */
function inRange(entries: readonly AmountEntry[], lo: Money, hi: Money, max: number): number[] {
  let a = 0, z = entries.length;
  while (a < z) {
    const m = (a + z) >> 1;
    if (entries[m]!.amount < lo) a = m + 1; else z = m;
  }
  const out: number[] = [];
  for (let i = a; i < entries.length && entries[i]!.amount <= hi && out.length < max; i++) out.push(entries[i]!.idx);
  return out;
}


class Indexes {
  readonly views: InvoiceView[];
  /** Counterparties (party keys) by tax id, account, whole name and name word. */
  readonly partiesByTax = new Map<string, Set<string>>();
  readonly partiesByAccount = new Map<string, Set<string>>();
  readonly partiesByName = new Map<string, Set<string>>();
  readonly partiesByWord = new Map<string, Set<string>>();
  readonly names = new Names();
  readonly byKey = new Postings();
  readonly byDigits = new Postings();
  readonly byTail = new Postings();
  readonly byDeletion = new Postings();
  readonly byContract = new Postings();
  /** Credit notes by the number of each invoice they refer to. */
  readonly creditsFor = new Postings();
  /** By currency and direction, the outstanding amounts when the run starts. */
  readonly byAmount: AmountList[] = [];
  /** Each counterparty's invoices. */
  readonly byParty = new Map<string, number[]>();
  /** Each party's, by currency and direction: the outstanding amount, and the total with VAT added or taken off. */
  readonly partyAmounts = new Map<string, AmountList[]>();
  /** Each party key's number, and per invoice: read for every candidate of every row, so in typed arrays. */
  readonly partyNos = new Map<string, number>();
  readonly partyNo: Int32Array;
  readonly signs: Int8Array;
  /** The invoice names its counterparty by a note, by a tax id: a row naming another one contradicts it. */
  readonly hasNote: Uint8Array;
  readonly hasTax: Uint8Array;

  constructor(invoices: readonly OpenInvoice[]) {
    this.views = invoices.map((inv, i) => viewInvoice(inv, i, this.names));
    this.partyNo = new Int32Array(invoices.length);
    this.signs = new Int8Array(invoices.length);
    this.hasNote = new Uint8Array(invoices.length);
    this.hasTax = new Uint8Array(invoices.length);
    const addParty = (map: Map<string, Set<string>>, key: string, party: string) => {
      if (!key) return;
      const set = map.get(key);
      if (set) set.add(party); else map.set(key, new Set([party]));
    };
    for (const v of this.views) {
      const i = v.idx;
      let no = this.partyNos.get(v.party);
      if (no === undefined) this.partyNos.set(v.party, (no = this.partyNos.size));
      this.partyNo[i] = no;
      this.signs[i] = v.sign;
      this.hasNote[i] = v.inv.counterparty ? 1 : 0;
      this.hasTax[i] = v.taxId ? 1 : 0;
      addParty(this.partiesByTax, v.taxId, v.party);
      for (const a of v.accounts) addParty(this.partiesByAccount, a, v.party);
      addParty(this.partiesByName, v.name, v.party);
      for (const w of v.nameWords) addParty(this.partiesByWord, w, v.party);
      this.byKey.add(v.key, i);
      if (v.inv.paymentReference) this.byKey.add(refKey(v.inv.paymentReference), i);
      this.byDigits.add(v.digits, i);
      this.byTail.add(v.tail, i);
      if (v.digits.length >= 4) for (const d of deletions(v.digits)) this.byDeletion.add(d, i);
      this.byContract.add(v.contractKey, i);
      if (v.inv.type === 'credit_note') for (const n of v.inv.refersTo ?? []) this.creditsFor.add(refKey(n), i);
      listFor(this.byAmount, v.inv.currency, v.sign).entries.push({ amount: v.inv.outstanding, idx: i });
      const party = this.byParty.get(v.party);
      if (party) party.push(i); else this.byParty.set(v.party, [i]);
      let lists = this.partyAmounts.get(v.party);
      if (!lists) this.partyAmounts.set(v.party, (lists = []));
      const own = listFor(lists, v.inv.currency, v.sign).entries;
      own.push({ amount: v.inv.outstanding, idx: i });
      const vat = v.inv.vat ?? 0n;
      if (vat > 0n) {
        own.push({ amount: v.inv.total + vat, idx: i });
        own.push({ amount: v.inv.total - vat, idx: i });
      }
    }
    const byAmount = (a: AmountEntry, b: AmountEntry) => (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : a.idx - b.idx);
    for (const list of this.byAmount) list.entries.sort(byAmount);
    for (const lists of this.partyAmounts.values()) for (const list of lists) list.entries.sort(byAmount);
  }

  private readonly days = new Map<string, number>();
  day(date: string): number {
    let d = this.days.get(date);
    if (d === undefined) this.days.set(date, (d = dayOf(date)));
    return d;
  }
}

// ---------------------------------------------------------------- rows

/** Runs of letters and digits with their joiners; those without a digit are dropped after (no backtracking). */
const TOKEN_RE = /[\p{L}\d][\p{L}\d\-/.]*/gu;
const HAS_DIGIT = /\d/;

/** Numbers standing bare in a text that could be a document's: not dates, amounts, years or long bank ids. */
function bareTokens(text: string, lettersOnly: boolean): Cited[] {
  const out: Cited[] = [];
  if (!HAS_DIGIT.test(text)) return out;
  for (const m of text.matchAll(TOKEN_RE)) {
    if (!HAS_DIGIT.test(m[0])) continue;
    const raw = m[0].replace(/[-/.]+$/, '');
    const digits = raw.replace(/\D/g, '');
    const letters = /\p{L}/u.test(raw);
    const whole = raw === text.trim();
    if (letters) {
      if (digits.length < 2 || raw.length > 30) continue;
    } else {
      // Short numbers only when they are the whole text (a remittance of just the invoice number).
      if (lettersOnly || digits.length < (whole ? 2 : 4) || digits.length > 12) continue;
      if (/^\d+[.,]\d{1,2}$/.test(raw) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(raw) || /^\d{4}-\d{2}-\d{2}$/.test(raw) || /^(?:19|20)\d\d$/.test(raw)) continue;
    }
    out.push(citedOf('token', raw));
  }
  return out;
}

const PART_RE = /частичн|аванс|предоплат|доплат|остат|окончательн|\bчасть|part(?:ial)?\b|instal+ment|advance|balance|remaining|anzahlung|teilzahlung|restzahlung|abschlag/iu;

function viewRow(row: BankRow, run: Run): RowView {
  const { ix, rules, open, config } = run;
  const rowName = ix.names.of(row.counterpartyName);
  const sign = row.amount < 0n ? -1 : 1;
  const cited: Cited[] = [];
  const keys = new Set<string>();
  let citesInvoice = false;
  for (const r of referencesIn(row.text)) {
    const key = refKey(r.number);
    if (keys.has(key)) continue;
    keys.add(key);
    cited.push(citedOf(r.kind, r.number));
    if (r.kind === 'invoice' || r.kind === 'act') citesInvoice = true;
  }
  for (const t of [...bareTokens(row.text, false), ...bareTokens(row.reference ?? '', true)]) {
    if (keys.has(t.key) || [...keys].some((k) => k.endsWith(t.key) || t.key.endsWith(k))) continue;
    keys.add(t.key);
    cited.push(t);
  }
  // The counterparties whose invoices (of the row's direction, open or not) a cited number names exactly.
  const hitParties = new Set<string>();
  const abs = sign < 0 ? -row.amount : row.amount;
  for (const c of cited) {
    if (c.contract) continue;
    for (const list of [ix.byKey.get(c.key), ix.byDigits.get(c.digits), ix.byTail.get(c.tail)]) {
      if (list.length > POSTING_MAX) continue;
      for (const i of list) {
        const v = ix.views[i]!;
        if (v.sign !== sign) continue;
        hitParties.add(v.party);
        if (open[i]! > 0n && (v.inv.currency !== row.currency || open[i]! >= abs - feeTolerance(open[i]!, config))) c.openParties.add(v.party);
      }
    }
  }
  const notes = new Set<string>();
  if (row.counterparty) notes.add(row.counterparty);
  const account = idKey(row.counterpartyAccount);
  const taxId = idKey(row.counterpartyTaxId);
  const name = rowName.key;
  let ruleWhy: string | undefined;
  for (const [map, key, what] of [[rules.byAccount, account, 'account'], [rules.byTaxId, taxId, 'tax id'], [rules.byName, name, 'name']] as const) {
    const r = key ? map.get(key) : undefined;
    if (r) {
      notes.add(r.counterparty);
      ruleWhy ??= `${r.origin === 'owner' ? 'your rule' : 'learned rule'}: payer ${what}`;
    }
  }
  return {
    row,
    sign,
    abs,
    day: ix.day(row.date),
    cited,
    citesInvoice,
    hitParties,
    saysPart: PART_RE.test(row.text),
    refund: REFUND_RE.test(row.text),
    notes,
    taxId,
    account,
    name,
    nameWords: rowName.words,
    ruleWhy,
    converted: new Map(),
  };
}

// ---------------------------------------------------------------- candidates

interface Option {
  members: number[];
  amounts: Money[];
  levels: Levels;
  /** Every invoice it pays is named by the text (a set is matched without asking only then). */
  allNamed: boolean;
  refund: boolean;
  /** A part payment whose number is one typo from another open invoice of the counterparty: the amount cannot tell which. */
  typoNeighbour: boolean;
  /** The one set of the counterparty's open invoices whose sum is the row's amount to the cent. */
  soleSum: boolean;
  score: number;
  unique: boolean;
  notes: string[];
  /** What the row's amount was compared with: one invoice's open amount (its total for a refund), or a set's sum. */
  target: Money;
  /** A set: how it was found. */
  set?: 'together' | 'sum of';
}

/** What one run of the matcher holds while it takes the rows in turn. */
interface Run {
  ix: Indexes;
  rules: Rules;
  config: MatchConfig;
  /** What is still open on each invoice, and whether anything is. */
  open: Money[];
  isOpen: Uint8Array;
  /** Invoices whose open amount changed in this run, by party: the amount index no longer finds them. */
  touched: Map<string, Set<number>>;
  /**
   * Per invoice, the turn of the row that last took it as a candidate, and that last found it by a cited
   * number: membership for the row in turn without a set to build and clear.
   */
  seenAt: Int32Array;
  citedAt: Int32Array;
  /** Found by a cited number itself (not a typo of it): may be named exactly. */
  sameAt: Int32Array;
  /** Per party number: a party the row names by its note, tax id or account. */
  strongAt: Int32Array;
  turn: number;
  /** An option scoring below this is neither shown nor changes what is matched: not worth scoring. */
  negligible: number;
  /** Whether an invoice whose counterparty the row rules out is negligible unless the row cites its own number. */
  othersNegligible: boolean;
}

const CP_RANK: Record<CpLevel, number> = { strong: 4, name: 3, weak: 2, none: 1, conflict: 0 };
const DATE_RANK: Record<DateLevel, number> = { in: 3, late: 2, early: 1, far: 0 };
const minBy = <T extends string>(rank: Record<T, number>, xs: T[]): T => xs.reduce((a, b) => (rank[b] < rank[a] ? b : a));

export function match(rows: readonly BankRow[], invoices: readonly OpenInvoice[], rules: readonly MatchRule[] = [], config: MatchConfig = DEFAULT_CONFIG): MatchResult {
  const ix = new Indexes(invoices);
  // One rate per currency pair and day, however many rows ask.
  const given = config.rate;
  if (given) {
    const rates = new Map<string, string | undefined>();
    config = { ...config, rate: (from, to, date) => {
      const k = `${from}|${to}|${date}`;
      if (!rates.has(k)) rates.set(k, given(from, to, date));
      return rates.get(k);
    } };
  }
  const floor = Math.max(config.low / 2, 0.05);
  // Below the review floor and the low threshold it is not shown; below `high - margin` it cannot hold back the best.
  const negligible = Math.min(floor, config.low, config.high - config.margin);
  const run: Run = {
    ix,
    rules: resolveRules(rules),
    config,
    open: invoices.map((i) => i.outstanding),
    isOpen: Uint8Array.from(invoices, (i) => (i.outstanding > 0n ? 1 : 0)),
    touched: new Map(),
    seenAt: new Int32Array(invoices.length),
    citedAt: new Int32Array(invoices.length),
    sameAt: new Int32Array(invoices.length),
    strongAt: new Int32Array(ix.partyNos.size),
    turn: 0,
    negligible,
    othersNegligible: scoreCeiling('conflict', false) < negligible,
  };
  const { open, touched } = run;
  const result: MatchResult = { auto: [], review: [], unmatchedRows: [] };

  const order = rows.map((_, i) => i).sort((a, b) => {
    const x = rows[a]!, y = rows[b]!;
    return x.date < y.date ? -1 : x.date > y.date ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : x.ledger < y.ledger ? -1 : x.ledger > y.ledger ? 1 : a - b;
  });

  for (const ri of order) {
    const row = rows[ri]!;
    const r = viewRow(row, run);
    const options = candidatesFor(r, run);
    options.sort((a, b) => b.score - a.score || compareIds(a, b, ix));
    const best = options[0];
    const lead = best ? best.score - (options[1]?.score ?? 0) : 0;
    if (best && best.score >= config.high && lead >= config.margin - 1e-9 && autoAllowed(best)) {
      const why = explain(best, r, run);
      for (let k = 0; k < best.members.length; k++) {
        const idx = best.members[k]!;
        const amount = best.amounts[k]!;
        open[idx] = open[idx]! - amount;
        run.isOpen[idx] = open[idx]! > 0n ? 1 : 0;
        // Its amount is no longer the one the amount index holds: looked at whenever its counterparty is, while open.
        const party = ix.views[idx]!.party;
        const t = touched.get(party);
        if (run.isOpen[idx]) {
          if (t) t.add(idx); else touched.set(party, new Set([idx]));
        } else t?.delete(idx);
        result.auto.push({ rowKey: row.key, ledger: row.ledger, invoiceId: invoices[idx]!.id, amount, score: best.score, why });
      }
    } else if (best && best.score >= config.low) {
      const shown = options.filter((o) => o.score >= floor).slice(0, REVIEW_OPTIONS);
      result.review.push({
        rowKey: row.key,
        ledger: row.ledger,
        candidates: shown.map((o): Candidate => ({ invoiceIds: o.members.map((i) => invoices[i]!.id), amounts: o.amounts, score: o.score, why: explain(o, r, run) })),
      });
    } else {
      result.unmatchedRows.push({ rowKey: row.key, ledger: row.ledger });
    }
  }
  return result;
}

/** Ties in score: by the invoices' ids, so the order never depends on the order of the input. */
function compareIds(a: Option, b: Option, ix: Indexes): number {
  for (let k = 0; k < a.members.length && k < b.members.length; k++) {
    const x = ix.views[a.members[k]!]!.inv.id, y = ix.views[b.members[k]!]!.inv.id;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.members.length - b.members.length;
}

/**
 * What may be matched without asking, whatever the score: a refund never; several invoices only when the
 * text names each of them; a number one typo away only with the amount exact (or its VAT or currency
 * variant) and the counterparty known; a part payment only on a number the text states; an invoice the
 * text does not name only when the counterparty is known by its tax id, account, note or a rule, the
 * date fits, and no other open invoice has that amount (monthly rent: asked, unless an amount-only rule
 * and the date leave a single one).
 */
function autoAllowed(o: Option): boolean {
  const { ref, cp, amount, date } = o.levels;
  if (o.refund || cp === 'conflict' || ref === 'conflict') return false;
  if (o.members.length > 1) return (o.allNamed && AMOUNT_MATCHES.has(amount)) || (o.soleSum && ref === 'none' && cp === 'strong' && date === 'in' && amount === 'exact' && o.unique);
  if (ref === 'fuzzy') return cp === 'strong' && (amount === 'exact' || amount === 'vat' || amount === 'fx');
  if (REF_NAMES.has(ref)) return AMOUNT_MATCHES.has(amount) || (amount === 'partial' && ref === 'exact' && cp === 'strong' && !o.typoNeighbour);
  return cp === 'strong' && date === 'in' && o.unique && AMOUNT_MATCHES.has(amount);
}

function candidatesFor(r: RowView, run: Run): Option[] {
  const { ix, open, config, rules } = run;
  const turn = ++run.turn;
  const pool: number[] = [];
  const consider = (idx: number) => {
    if (run.seenAt[idx] === turn) return;
    run.seenAt[idx] = turn;
    if (run.isOpen[idx]) pool.push(idx);
  };
  // A cited number too common to follow may still be some candidate's own: then none is known not to be.
  let sameUnknown = false;
  const follow = (list: readonly number[], same = false) => {
    if (list.length > POSTING_MAX) {
      sameUnknown ||= same;
      return;
    }
    for (const i of list) {
      consider(i);
      run.citedAt[i] = turn;
      if (same) run.sameAt[i] = turn;
    }
  };

  // Who the counterparty is: the parties the row names by note, tax id or account; else by name.
  const parties = new Set<string>();
  for (const n of r.notes) if (ix.byParty.has(`note:${n}`)) parties.add(`note:${n}`);
  for (const p of ix.partiesByTax.get(r.taxId) ?? []) parties.add(p);
  for (const p of ix.partiesByAccount.get(r.account) ?? []) parties.add(p);
  const strongCp = parties.size > 0;
  for (const p of parties) run.strongAt[ix.partyNos.get(p)!] = turn;
  if (!strongCp) {
    const byName = ix.partiesByName.get(r.name);
    if (byName) for (const p of byName) parties.add(p);
    else for (const w of r.nameWords) { const l = ix.partiesByWord.get(w); if (l && l.size <= NAME_WORD_MAX) for (const p of l) parties.add(p); }
  }
  const rowNotes = r.notes.size > 0, rowTax = r.taxId !== '';
  /** An invoice of a counterparty the row's note or tax id rules out: its counterparty evidence is a conflict. */
  const ruledOut = (idx: number) => run.strongAt[ix.partyNo[idx]!] !== turn && ((rowNotes && ix.hasNote[idx] === 1) || (rowTax && ix.hasTax[idx] === 1));

  // By the numbers the text cites, then their one-typo neighbours. The neighbours are many (a typo of a
  // number of the business's own series is another customer's number): those ruled out and not cited
  // by their own number could not score enough to be shown, and are not taken.
  for (const c of r.cited) {
    if (c.contract) {
      follow(ix.byContract.get(c.key));
      continue;
    }
    follow(ix.byKey.get(c.key), true);
    follow(ix.byDigits.get(c.digits), true);
    follow(ix.byTail.get(c.tail));
    for (const n of ix.creditsFor.get(c.key)) {
      consider(n);
      run.citedAt[n] = turn;
    }
  }
  const skipRuledOut = run.othersNegligible && !sameUnknown;
  const followTypos = (list: readonly number[]) => {
    if (list.length > POSTING_MAX) return;
    for (const i of list) {
      if (skipRuledOut && run.sameAt[i] !== turn && ruledOut(i)) continue;
      consider(i);
      run.citedAt[i] = turn;
    }
  };
  for (const c of r.cited) {
    if (c.contract || c.digits.length < 4) continue;
    followTypos(ix.byDeletion.get(c.digits));
    for (const d of deletions(c.digits)) {
      followTypos(ix.byDigits.get(d));
      followTypos(ix.byDeletion.get(d));
    }
  }

  /** Where the row's amount falls in a currency, with its tolerance (twice over: fees and VAT variants are checked when scored). */
  const ranges = new Map<string, { lo: Money; hi: Money } | null>();
  const byAmount = (lists: readonly AmountList[], max: number) => {
    for (const list of lists) {
      if (list.sign !== r.sign) continue;
      let g = ranges.get(list.currency);
      if (g === undefined) {
        const conv = rowAmountIn(r, list.currency, config);
        const tol = !conv ? 0n : conv.rate ? fxTolerance(conv.amount, config) : feeTolerance(conv.amount, config);
        ranges.set(list.currency, (g = conv ? { lo: conv.amount - tol - tol, hi: conv.amount + tol + tol } : null));
      }
      if (g) for (const i of inRange(list.entries, g.lo, g.hi, max)) consider(i);
    }
  };
  for (const p of parties) {
    const list = ix.byParty.get(p) ?? [];
    if (list.length <= CP_SCAN_ALL) for (const i of list) consider(i);
    else {
      byAmount(ix.partyAmounts.get(p) ?? [], POSTING_MAX);
      for (const i of run.touched.get(p) ?? []) consider(i);
    }
  }

  // By amount, when nothing says who the counterparty is.
  if (!strongCp) byAmount(ix.byAmount, 50);

  // Single invoices.
  const options: Option[] = [];
  const singles: Option[] = [];
  for (const idx of pool) {
    const refund = ix.signs[idx] !== r.sign;
    // The other direction only as a refund the text names (money back on an invoice).
    if (refund && !(r.refund && run.citedAt[idx] === turn)) continue;
    // Set aside unscored what could not score enough to be shown.
    const v = ix.views[idx]!;
    const cp = ruledOut(idx) ? 'conflict' : cpEvidence(r, v);
    if (scoreCeiling(cp, sameUnknown || run.sameAt[idx] === turn) < run.negligible) continue;
    const o = single(r, v, cp, open[idx]!, config, refund);
    if (o.levels.ref === 'conflict' && cp === 'conflict') continue;
    options.push(o);
    if (!refund && cp !== 'conflict') singles.push(o);
  }

  // Several invoices in one payment: for each number the text names, the invoices it names best; each
  // such invoice also less the credit notes that refer to it.
  const named = new Set<number>();
  for (const c of r.cited) {
    if (c.contract) continue;
    let bestRank = REF_RANK.fuzzy;
    let bestOnes: number[] = [];
    for (const o of singles) {
      const v = ix.views[o.members[0]!]!;
      if (v.inv.type !== 'invoice') continue;
      const rank = REF_RANK[citedLevel(c, v)];
      if (rank > bestRank) { bestRank = rank; bestOnes = [v.idx]; } else if (rank === bestRank) bestOnes.push(v.idx);
    }
    if (bestOnes.length === 1) named.add(bestOnes[0]!);
  }
  const sets: number[][] = [];
  const namedList = [...named];
  if (namedList.length >= 2 && namedList.length <= 8) {
    sets.push(namedList);
    const credits = [...new Set(namedList.flatMap((idx) => openCreditsOf(idx, r, run)))];
    if (credits.length) sets.push([...namedList, ...credits]);
  }
  for (const idx of namedList) {
    const credits = openCreditsOf(idx, r, run);
    if (credits.length) sets.push([idx, ...credits]);
  }
  for (const members of sets) {
    const o = setOption(r, members, run, 'together');
    if (o) options.push(o);
  }

  // Several invoices found by their sum: only when no single invoice has the amount (bounded search).
  const anyFits = options.some((o) => AMOUNT_MATCHES.has(o.levels.amount) && o.levels.cp !== 'conflict');
  if (!anyFits && parties.size > 0 && parties.size <= 3) {
    const cpPool: number[] = [];
    for (const p of parties) for (const idx of ix.byParty.get(p) ?? []) if (open[idx]! > 0n && ix.views[idx]!.sign === r.sign) cpPool.push(idx);
    if (cpPool.length >= 2) {
      const found = sumSearch(r, cpPool, run);
      for (const members of found) {
        const o = setOption(r, members, run, 'sum of');
        if (!o) continue;
        o.soleSum = found.length === 1;
        options.push(o);
      }
    }
  }

  // Uniqueness: the one candidate with a fitting amount (amount-only rules: the one of them in the date window).
  const fitting = options.filter((o) => AMOUNT_MATCHES.has(o.levels.amount) && o.levels.cp !== 'conflict' && !o.refund);
  if (fitting.length === 1) {
    fitting[0]!.unique = true;
    if (!REF_NAMES.has(fitting[0]!.levels.ref)) fitting[0]!.notes.push('the only open invoice with this amount');
  } else if (fitting.length > 1 && fitting.every((o) => o.members.length === 1)) {
    const cps = new Set(fitting.map((o) => ix.views[o.members[0]!]!.inv.counterparty));
    const cp = [...cps][0];
    const inWindow = fitting.filter((o) => o.levels.date === 'in');
    if (cps.size === 1 && cp && rules.amountOnly.has(cp) && inWindow.length === 1) {
      inWindow[0]!.unique = true;
      inWindow[0]!.notes.push('amount-only rule: the one open in the date window');
    } else {
      for (const o of fitting) if (!REF_NAMES.has(o.levels.ref)) o.notes.push(`same amount as ${fitting.length - 1} other open invoice${fitting.length > 2 ? 's' : ''}`);
    }
  }
  // A part payment has no amount to check its number against: when the number could be another open
  // invoice's of theirs with a digit dropped or two swapped, and this row could pay that one too (issued
  // by then, open for at least as much), it is asked.
  for (const o of singles) {
    if (o.levels.amount !== 'partial' || o.levels.ref !== 'exact') continue;
    const v = ix.views[o.members[0]!]!;
    const cited = r.cited.filter((c) => citedLevel(c, v) === 'exact');
    for (const u of ix.byParty.get(v.party) ?? []) {
      const w = ix.views[u]!;
      if (u === v.idx || w.sign !== r.sign || w.issuedDay > r.day + 7 || w.inv.currency !== v.inv.currency) continue;
      if (open[u]! < o.amounts[0]! - feeTolerance(open[u]!, config)) continue;
      if (cited.some((c) => (c.digits.length >= 3 && (slipOf(c.digits, w.digits) || slipOf(c.digits, w.tail))) || slipOf(c.key, w.key))) {
        o.typoNeighbour = true;
        o.notes.push(`one typo from ${w.inv.number}, also open`);
        break;
      }
    }
  }
  const namedTogether = namedList.length >= 2 && options.some((o) => o.members.length >= namedList.length && o.allNamed && AMOUNT_MATCHES.has(o.levels.amount));
  for (const o of options) {
    o.score = scoreOf(o.levels, o.unique, r.saysPart);
    if (namedTogether && o.members.length === 1 && named.has(o.members[0]!)) {
      o.score = Math.max(0, o.score + WEIGHTS.oneOfNamed);
      o.notes.push('the text names more invoices');
    }
    // Never matched without asking, so never shown as certain.
    if (o.refund || (o.members.length > 1 && !o.allNamed && !(o.soleSum && o.levels.amount === 'exact'))) o.score = Math.min(o.score, Math.max(config.low, config.high - 0.01));
  }
  return options;
}

/** The open credit notes of the invoice's counterparty that refer to it. */
function openCreditsOf(idx: number, r: RowView, run: Run): number[] {
  const v = run.ix.views[idx]!;
  return run.ix.creditsFor.get(v.key).filter((c) => run.open[c]! > 0n && run.ix.views[c]!.sign === -r.sign && run.ix.views[c]!.party === v.party);
}

function single(r: RowView, v: InvoiceView, cp: CpLevel, open: Money, config: MatchConfig, refund: boolean): Option {
  const target = refund ? v.inv.total : open;
  const ref = refEvidence(r, v).level;
  const amount = amountEvidence(r, v, target, config);
  return {
    members: [v.idx],
    amounts: [refund ? r.abs : amount.allocation],
    levels: { ref, cp, amount: amount.level, date: dateEvidence(r, v, config).level },
    allNamed: REF_NAMES.has(ref),
    refund,
    typoNeighbour: false,
    soleSum: false,
    score: 0,
    unique: false,
    notes: [],
    target,
  };
}

/** A set of invoices (credit notes counting against them) paid by one row, when their sum fits the row's amount. */
function setOption(r: RowView, members: number[], run: Run, how: 'together' | 'sum of'): Option | undefined {
  const { ix, open, config } = run;
  const views = members.map((i) => ix.views[i]!);
  const currency = views[0]!.inv.currency;
  if (views.some((v) => v.inv.currency !== currency)) return undefined;
  const conv = rowAmountIn(r, currency, config);
  if (!conv) return undefined;
  let sum = 0n;
  for (const v of views) sum += v.sign === r.sign ? open[v.idx]! : -open[v.idx]!;
  if (sum <= 0n) return undefined;
  const d = conv.amount - sum;
  const ad = d < 0n ? -d : d;
  let amount: AmountLevel;
  if (conv.rate) {
    if (ad > fxTolerance(sum, config)) return undefined;
    amount = 'fx';
  } else if (d === 0n) amount = 'exact';
  else if (ad <= feeTolerance(sum, config)) amount = 'fee';
  else return undefined;

  const paying = views.filter((v) => v.sign === r.sign);
  // A credit note counts against the invoice it corrects, not against any other.
  if (views.some((v) => v.sign !== r.sign && !paying.some((p) => v.refersTo.has(p.key)))) return undefined;
  const refs = paying.map((v) => refEvidence(r, v).level);
  const namedLevels = refs.filter((x) => REF_NAMES.has(x));
  const allNamed = namedLevels.length === paying.length && eachNamedOnce(r, paying);
  let ref: RefLevel;
  if (allNamed) ref = minBy(REF_RANK, namedLevels);
  else if (refs.includes('conflict')) ref = 'conflict';
  else if (namedLevels.length > 0) ref = 'fuzzy';
  else ref = refs.includes('contract') ? 'contract' : 'none';
  const cps = views.map((v) => cpEvidence(r, v));
  const dates = paying.map((v) => dateEvidence(r, v, config).level);
  return {
    members,
    amounts: members.map((i) => open[i]!),
    levels: { ref, cp: minBy(CP_RANK, cps), amount, date: minBy(DATE_RANK, dates) },
    allNamed,
    refund: false,
    typoNeighbour: false,
    soleSum: false,
    score: 0,
    unique: false,
    notes: [],
    target: sum,
    set: how,
  };
}

/** The reasons for an option, in words: written only for the options a result shows. */
function explain(o: Option, r: RowView, run: Run): string[] {
  const { ix, config } = run;
  const views = o.members.map((i) => ix.views[i]!);
  const first = views[0]!;
  if (!o.set) {
    return [
      ...(o.refund ? [`refund on ${first.inv.number}`] : []),
      ...[refEvidence(r, first, true).why ?? ''].filter(Boolean),
      ...cpWhy(r, first),
      amountEvidence(r, first, o.target, config, true).why,
      dateEvidence(r, first, config, true).why,
      ...o.notes,
    ];
  }
  const numbers = (vs: InvoiceView[]) => vs.map((v) => v.inv.number).join(', ');
  const paying = views.filter((v) => v.sign === r.sign);
  const credits = views.filter((v) => v.sign !== r.sign);
  const late = paying.map((v) => dateEvidence(r, v, config, true)).find((x) => x.level !== 'in');
  const conv = rowAmountIn(r, first.inv.currency, config);
  const amount = o.levels.amount;
  return [
    `${o.set}: ${numbers(paying)}${credits.length ? ` less credit note ${numbers(credits)}` : ''}`,
    ...paying.map((v) => refEvidence(r, v, true).why ?? '').filter(Boolean),
    ...cpWhy(r, first),
    amount === 'exact' ? 'amount exact' : amount === 'fee' ? `amount within fees (${formatMoney((conv?.amount ?? 0n) - o.target)})` : `amount ${formatMoney(r.abs)} ${r.row.currency} at ${conv?.rate}`,
    late ? late.why : 'date in window',
    ...o.notes,
  ];
}

/** Whether each invoice is named by a number of its own (stated, bare or its running part; a typo names none): one number never pays two. */
function eachNamedOnce(r: RowView, views: readonly InvoiceView[]): boolean {
  const by = views.map((v) => r.cited.map((c, k) => (REF_RANK[citedLevel(c, v)] >= REF_RANK.tail ? k : -1)).filter((k) => k >= 0));
  const owner = new Map<number, number>();
  const assign = (m: number, seen: Set<number>): boolean => {
    for (const k of by[m]!) {
      if (seen.has(k)) continue;
      seen.add(k);
      const had = owner.get(k);
      if (had === undefined || assign(had, seen)) { owner.set(k, m); return true; }
    }
    return false;
  };
  return views.every((_, m) => assign(m, new Set()));
}

/** Sets of 2..4 open invoices of the row's counterparty (nearest in date, less up to a few credit notes) whose sum fits the row. */
function sumSearch(r: RowView, cpPool: number[], run: Run): number[][] {
  const { ix, open, config } = run;
  const near = (a: InvoiceView, b: InvoiceView) => Math.abs(a.issuedDay - r.day) - Math.abs(b.issuedDay - r.day) || a.idx - b.idx;
  const paying = cpPool
    .map((i) => ix.views[i]!)
    .filter((v) => v.inv.type === 'invoice' && v.inv.currency === r.row.currency && v.issuedDay <= r.day + 7)
    .sort(near)
    .slice(0, SUM_POOL);
  if (paying.length < 1) return [];
  const party = new Set(paying.map((v) => v.party));
  const credits = [...new Set(paying.flatMap((v) => ix.creditsFor.get(v.key)))]
    .map((i) => ix.views[i]!)
    .filter((v) => open[v.idx]! > 0n && v.sign === -r.sign && v.inv.currency === r.row.currency && party.has(v.party))
    .sort(near)
    .slice(0, SUM_CREDIT_POOL);
  // Credit notes first (a sum past the target is cut only once nothing can take it back), then the
  // invoices largest first, so a branch that cannot reach the target with the slots left is cut too.
  const invoicesDesc = paying.map((v) => ({ idx: v.idx, value: Number(open[v.idx]!) })).sort((a, b) => b.value - a.value || a.idx - b.idx);
  const items = [...credits.map((v) => ({ idx: v.idx, value: -Number(open[v.idx]!) })), ...invoicesDesc];
  const target = Number(r.abs);
  const tol = Number(feeTolerance(r.abs, config));
  const found: number[][] = [];
  const chosen: number[] = [];
  const walk = (from: number, sum: number, payingCount: number) => {
    if (found.length >= 4) return;
    if (chosen.length >= 2 && payingCount >= 1 && Math.abs(target - sum) <= tol) found.push([...chosen]);
    const slots = 4 - chosen.length;
    if (slots === 0) return;
    for (let k = from; k < items.length; k++) {
      const it = items[k]!;
      if (it.value > 0) {
        // Largest first: if even `slots` of this one cannot reach the target, nothing after it can.
        if (sum + it.value * slots < target - tol) return;
        if (sum + it.value > target + tol) continue;
      }
      chosen.push(it.idx);
      walk(k + 1, sum + it.value, payingCount + (it.value > 0 ? 1 : 0));
      chosen.pop();
    }
  };
  walk(0, 0, 0);
  return found;
}

export { DEFAULT_CONFIG };
