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
import { Names, idKey, nameKey, refKey, slipOf } from './normalize.ts';
import {
  AMOUNT_MATCHES, DEFAULT_CONFIG, NO_PARTIES, REF_NAMES, REF_RANK, WEIGHTS, allocationFor, amountEvidence, citedLevel, citedOf, cpWhy, dateEvidence, dateLevel, dayOf, feeTolerance, fxTolerance, ppm, refEvidence, refLevel, rowAmountIn, scoreCeiling, scoreOf, scoreOfLevels, viewInvoice,
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
/** Candidates a review question offers at most (the answer handlers are registered for as many). */
export const REVIEW_OPTIONS = 5;

const REFUND_RE = /возврат|refund|rückerstattung|erstattung|storno|gutschrift/iu;

// ---------------------------------------------------------------- rules

interface Rules {
  byAccount: Map<string, MatchRule>;
  byTaxId: Map<string, MatchRule>;
  byName: Map<string, MatchRule>;
  amountOnly: Set<string>;
  /** Any payer rule at all: most runs have none, and rows skip the look-ups. */
  any: boolean;
}

/** The owner's rules over the learned ones: for each payer key, and for each counterparty's amount-only permission. */
export function resolveRules(rules: readonly MatchRule[]): Rules {
  const out: Rules = { byAccount: new Map(), byTaxId: new Map(), byName: new Map(), amountOnly: new Set(), any: false };
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
  out.any = out.byAccount.size + out.byTaxId.size + out.byName.size > 0;
  return out;
}

// ---------------------------------------------------------------- indexes

/**
 * The posting lists of one index, flat: key number `id` has the invoices `items[start[id]]` up to
 * `items[start[id + 1]]`. Added to as (key, invoice) pairs while the index is built, laid out once at
 * its end: no array per key (most keys are typo variants with one or two invoices).
 */
class Postings {
  private start = new Int32Array(1);
  items = new Int32Array(0);
  private keyOf = new Int32Array(256);
  private idxOf = new Int32Array(256);
  private pairs = 0;
  private size = 0;

  add(id: number, idx: number): void {
    if (this.pairs === this.keyOf.length) {
      const keyOf = new Int32Array(this.pairs * 2), idxOf = new Int32Array(this.pairs * 2);
      keyOf.set(this.keyOf);
      idxOf.set(this.idxOf);
      this.keyOf = keyOf;
      this.idxOf = idxOf;
    }
    this.keyOf[this.pairs] = id;
    this.idxOf[this.pairs++] = idx;
  }

  /** Lays the pairs out by key, in the order added; an invoice added to a key right after itself is there once. */
  finish(keys: number): void {
    const { keyOf, idxOf, pairs } = this;
    const last = new Int32Array(keys).fill(-1);
    const start = new Int32Array(keys + 1);
    for (let k = 0; k < pairs; k++) {
      const id = keyOf[k]!;
      if (last[id] === idxOf[k]) keyOf[k] = -1;
      else {
        last[id] = idxOf[k]!;
        start[id + 1]!++;
      }
    }
    for (let id = 0; id < keys; id++) start[id + 1]! += start[id]!;
    const fill = start.slice(0, keys);
    const items = new Int32Array(start[keys]!);
    for (let k = 0; k < pairs; k++) {
      const id = keyOf[k]!;
      if (id >= 0) items[fill[id]!++] = idxOf[k]!;
    }
    this.start = start;
    this.items = items;
    this.size = keys;
    this.keyOf = this.idxOf = new Int32Array(0);
    this.pairs = 0;
  }

  /** Where the key's list begins and ends in `items` (-1, or a number no invoice has: empty). */
  from(id: number): number {
    return id < 0 || id >= this.size ? 0 : this.start[id]!;
  }

  to(id: number): number {
    return id < 0 || id >= this.size ? 0 : this.start[id + 1]!;
  }

  /** The key's list as an array, where a few are read. */
  list(id: number): number[] {
    return Array.from(this.items.subarray(this.from(id), this.to(id)));
  }
}

/** Digit strings up to this long are keyed by a number (a leading 1, then the digits): exact below 2^53. */
const CODE_DIGITS = 15;

/** A string of 1..15 ASCII digits as its code (`'1'` + the digits, read as a number; leading zeros kept apart), else -1. */
function digitCode(s: string): number {
  const n = s.length;
  if (n === 0 || n > CODE_DIGITS) return -1;
  let code = 1;
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    code = code * 10 + d;
  }
  return code;
}

/** 10^k for the digit codes of deletion variants. */
const POW10 = Float64Array.from({ length: CODE_DIGITS + 2 }, (_, k) => 10 ** k);

/**
 * Every string an index is keyed by (document keys, their digits, running parts and one-digit-short
 * variants, contract numbers) has one number, and each index is a list per number: a row's cited number
 * is looked up once, and invoices compare with it by number, not by string. Digit strings are held by
 * their code in an open-addressed table of typed arrays: the many one-digit-short variants are worked
 * out as numbers, without a string made for each.
 */
class Keys {
  private readonly ids = new Map<string, number>();
  private count = 0;
  /** The digit codes' table, a slot a pair (code, 0 = empty; key number) side by side: one cache line per probe. */
  private table = new Float64Array(2 << 12);
  private codeCount = 0;
  /** Scratch for the variants of one digit string: the codes of its prefixes, the values of its suffixes. */
  private readonly pre = new Float64Array(CODE_DIGITS + 2);
  private readonly suf = new Float64Array(CODE_DIGITS + 2);
  /** By key number: the invoices whose key, digits, running part, contract number it is; those it is their digits a digit short of; the credit notes that refer to it. */
  readonly byKey = new Postings();
  readonly byDigits = new Postings();
  readonly shorter = new Postings();
  readonly byTail = new Postings();
  readonly byContract = new Postings();
  readonly creditsFor = new Postings();

  private fresh(): number {
    return this.count++;
  }

  id(key: string): number {
    const code = digitCode(key);
    if (code >= 0) return this.codeId(code);
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.fresh()));
    return id;
  }

  /** The key's number, or -1 (no invoice has it: it equals none). */
  get(key: string): number {
    const code = digitCode(key);
    if (code >= 0) return this.codeGet(code);
    return this.ids.get(key) ?? -1;
  }

  /** Where the code is in the table, or the empty slot where it would go (an even index). */
  private slot(code: number): number {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const lo = code >>> 0, hi = Math.floor(code / 4294967296);
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let at = h & mask;
    while (table[at << 1] !== 0 && table[at << 1] !== code) at = (at + 1) & mask;
    return at << 1;
  }

  private codeGet(code: number): number {
    const at = this.slot(code);
    return this.table[at] === 0 ? -1 : this.table[at + 1]!;
  }

  private codeId(code: number): number {
    let at = this.slot(code);
    if (this.table[at] !== 0) return this.table[at + 1]!;
    if ((this.codeCount + 1) * 4 > this.table.length) {
      this.grow();
      at = this.slot(code);
    }
    const id = this.fresh();
    this.table[at] = code;
    this.table[at + 1] = id;
    this.codeCount++;
    return id;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    for (let k = 0; k < old.length; k += 2) {
      if (old[k] === 0) continue;
      const at = this.slot(old[k]!);
      this.table[at] = old[k]!;
      this.table[at + 1] = old[k + 1]!;
    }
  }

  /**
   * The numbers of the digit string's distinct one-digit-short variants (dropping either of two equal
   * neighbours gives the same), into `out`; made ones (`make`) or known ones only (-1 where unknown).
   * Returns how many, or -1 when the string is too long for codes (the caller makes strings).
   */
  variants(ds: string, make: boolean, out: Int32Array): number {
    const n = ds.length;
    if (n > CODE_DIGITS + 1) return -1;
    const pre = this.pre, suf = this.suf;
    pre[0] = 1;
    for (let k = 0; k < n; k++) pre[k + 1] = pre[k]! * 10 + (ds.charCodeAt(k) - 48);
    suf[n] = 0;
    for (let k = n - 1; k >= 1; k--) suf[k] = (ds.charCodeAt(k) - 48) * POW10[n - 1 - k]! + suf[k + 1]!;
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j > 0 && ds.charCodeAt(j) === ds.charCodeAt(j - 1)) continue;
      const code = pre[j]! * POW10[n - 1 - j]! + suf[j + 1]!;
      out[m++] = make ? this.codeId(code) : this.codeGet(code);
    }
    return m;
  }

  /** Adds the invoice to the key's list (of one index), once; an empty key is no key. */
  add(lists: Postings, key: string, idx: number): void {
    if (key) lists.add(this.id(key), idx);
  }

  addAt(lists: Postings, id: number, idx: number): void {
    lists.add(id, idx);
  }

  /** Every key numbered: the lists laid out. */
  finish(): void {
    for (const p of [this.byKey, this.byDigits, this.shorter, this.byTail, this.byContract, this.creditsFor]) p.finish(this.count);
  }
}

/** Room for the variants of one digit string. */
const variantIds = new Int32Array(CODE_DIGITS + 2);


interface AmountEntry { amount: Money; num: number; idx: number }
/**
 * Invoices of one currency and one direction, sorted by amount; the amounts also as doubles, searched
 * without BigInt arithmetic (the conversion keeps order, so only entries at a boundary's double are
 * compared exactly).
 */
interface AmountList { currency: string; sign: number; entries: AmountEntry[]; nums: Float64Array; idxs: Int32Array }

function listFor(lists: AmountList[], currency: string, sign: number): AmountList {
  let list = lists.find((l) => l.currency === currency && l.sign === sign);
  if (!list) lists.push((list = { currency, sign, entries: [], nums: new Float64Array(0), idxs: new Int32Array(0) }));
  return list;
}

/** Where the first double of at least `lo` is. */
function firstAtLeast(nums: Float64Array, lo: number): number {
  let a = 0, z = nums.length;
  while (a < z) {
    const m = (a + z) >> 1;
    if (nums[m]! < lo) a = m + 1; else z = m;
  }
  return a;
}

interface Range { lo: Money; hi: Money; loNum: number; hiNum: number }

/** The string's number in the map, made when new; '' has none (-1), as an empty string is no value. */
function numberOf(map: Map<string, number>, key: string): number {
  if (!key) return -1;
  let no = map.get(key);
  if (no === undefined) map.set(key, (no = map.size));
  return no;
}

function addTo<K>(map: Map<K, Set<number>>, key: K, party: number): void {
  const set = map.get(key);
  if (set) set.add(party); else map.set(key, new Set([party]));
}

class Indexes {
  readonly views: InvoiceView[];
  /** Counterparties (party numbers) by tax id, account, whole name and name word, and by counterparty note. */
  readonly partiesByTax = new Map<string, Set<number>>();
  readonly partiesByAccount = new Map<string, Set<number>>();
  readonly partiesByName = new Map<string, Set<number>>();
  readonly partiesByWord = new Map<string, Set<number>>();
  readonly partyOfNote = new Map<string, number>();
  readonly names = new Names();
  readonly keys = new Keys();
  /** By currency and direction, the outstanding amounts when the run starts. */
  readonly byAmount: AmountList[] = [];
  /** Each party key's number; per party number, its invoices, and by currency and direction the outstanding amount and the total with VAT added or taken off. */
  /** The party key (see `partyKey`) kept apart by its kind: the maps are keyed by the invoices' own strings, no key string made per invoice. */
  private readonly partyByNote = new Map<string, number>();
  private readonly partyByTax = new Map<string, number>();
  private readonly partyByName = new Map<string, number>();
  readonly byParty: number[][] = [];
  readonly partyAmounts: AmountList[][] = [];
  /** Per invoice: read for every candidate of every row, so in typed arrays. */
  readonly partyNo: Int32Array;
  readonly signs: Int8Array;
  /** The invoice names its counterparty by a note, by a tax id: a row naming another one contradicts it. */
  readonly hasNote: Uint8Array;
  readonly hasTax: Uint8Array;
  /** Invoices alike in what the counterparty evidence reads (note, tax id, accounts, name) share a number: worked out once per row. */
  readonly identity: Int32Array;
  identities = 0;
  /**
   * Per identity, what the counterparty evidence reads (the name words follow from the name key): read
   * from arrays of one shape, not from invoices of many shapes.
   */
  readonly idNote: number[] = [];
  readonly idTax: number[] = [];
  readonly idAccounts: number[][] = [];
  readonly idName: number[] = [];
  readonly idWords: ReadonlySet<string>[] = [];
  /** Notes, tax ids, accounts and name keys by number (-1: none), compared by number, not by string. */
  readonly noteNos = new Map<string, number>();
  readonly taxNos = new Map<string, number>();
  readonly accountNos = new Map<string, number>();
  readonly nameNos = new Map<string, number>();
  /** A plain invoice (not a credit note). */
  readonly isInvoice: Uint8Array;
  /** The invoices' ids, read once. */
  readonly ids: string[];
  /** The order of the invoices' ids, ties in score broken by it without comparing strings. */
  readonly idRank: Int32Array;
  readonly currencyNos = new Map<string, number>();
  /** Per invoice, for the checks made before an invoice's view is read: its currency's and running part's numbers, its amounts as doubles. */
  readonly currencyNo: Int32Array;
  readonly tailNo: Int32Array;
  readonly keyNo: Int32Array;
  readonly digitsNo: Int32Array;
  readonly contractNo: Int32Array;
  readonly issuedDay: Int32Array;
  readonly dueDay: Int32Array;
  /** A credit note that refers to invoices (a cited number may be one of those). */
  readonly refers: Uint8Array;
  readonly outstandingNum: Float64Array;
  readonly totalNum: Float64Array;
  readonly vatNum: Float64Array;
  /** Per invoice, its currency and amounts as the exact path reads them: arrays of one shape, not invoices of many. */
  readonly currency: string[];
  readonly total: Money[];
  readonly outstanding: Money[];
  readonly vat: Money[];

  constructor(invoices: readonly OpenInvoice[]) {
    this.views = invoices.map((inv, i) => viewInvoice(inv, i, this.names, this.day));
    this.ids = invoices.map((inv) => inv.id);
    this.isInvoice = Uint8Array.from(invoices, (inv) => (inv.type === 'invoice' ? 1 : 0));
    this.currency = invoices.map((inv) => inv.currency);
    this.total = invoices.map((inv) => inv.total);
    this.outstanding = invoices.map((inv) => inv.outstanding);
    this.vat = invoices.map((inv) => inv.vat ?? 0n);
    const n = invoices.length;
    this.partyNo = new Int32Array(n);
    this.signs = new Int8Array(n);
    this.hasNote = new Uint8Array(n);
    this.hasTax = new Uint8Array(n);
    this.identity = new Int32Array(n);
    this.currencyNo = new Int32Array(n);
    this.tailNo = new Int32Array(n);
    this.keyNo = new Int32Array(n);
    this.digitsNo = new Int32Array(n);
    this.contractNo = new Int32Array(n);
    this.issuedDay = new Int32Array(n);
    this.dueDay = new Int32Array(n);
    this.refers = new Uint8Array(n);
    this.outstandingNum = Float64Array.from(invoices, (inv) => Number(inv.outstanding));
    this.totalNum = Float64Array.from(invoices, (inv) => Number(inv.total));
    this.vatNum = Float64Array.from(invoices, (inv) => Number(inv.vat ?? 0n));
    const identities = new Map<string, number>();
    for (const v of this.views) {
      const i = v.idx;
      const note = v.inv.counterparty;
      const partyMap = note ? this.partyByNote : v.inv.counterpartyTaxId ? this.partyByTax : this.partyByName;
      const partyKey = note ? note : v.inv.counterpartyTaxId ? v.taxId : v.name;
      let no = partyMap.get(partyKey);
      if (no === undefined) {
        partyMap.set(partyKey, (no = this.byParty.length));
        this.byParty.push([]);
        this.partyAmounts.push([]);
      }
      this.partyNo[i] = no;
      v.partyNo = no;
      this.signs[i] = v.sign;
      this.hasNote[i] = v.inv.counterparty ? 1 : 0;
      this.hasTax[i] = v.taxId ? 1 : 0;
      const who = `${v.inv.counterparty ?? ''}\u0001${v.taxId}\u0001${v.accounts.size === 0 ? '' : v.accounts.size === 1 ? v.accounts.values().next().value : [...v.accounts].sort().join(' ')}\u0001${v.name}`;
      let id = identities.get(who);
      if (id === undefined) {
        identities.set(who, (id = identities.size));
        this.idNote.push(numberOf(this.noteNos, v.inv.counterparty ?? ''));
        this.idTax.push(numberOf(this.taxNos, v.taxId));
        this.idAccounts.push([...v.accounts].map((a) => numberOf(this.accountNos, a)));
        this.idName.push(numberOf(this.nameNos, v.name));
        this.idWords.push(v.nameWords);
      }
      this.identity[i] = id;
      if (v.inv.counterparty && !this.partyOfNote.has(v.inv.counterparty)) this.partyOfNote.set(v.inv.counterparty, no);
      if (v.taxId) addTo(this.partiesByTax, v.taxId, no);
      for (const a of v.accounts) addTo(this.partiesByAccount, a, no);
      if (v.name) addTo(this.partiesByName, v.name, no);
      for (const w of v.nameWords) addTo(this.partiesByWord, w, no);
      let cur = this.currencyNos.get(v.inv.currency);
      if (cur === undefined) this.currencyNos.set(v.inv.currency, (cur = this.currencyNos.size));
      this.currencyNo[i] = cur;
      const keys = this.keys;
      // Compared with every cited number by number: '' too, so that equal keys have equal numbers.
      v.keyNo = keys.id(v.key);
      v.digitsNo = keys.id(v.digits);
      v.tailNo = keys.id(v.tail);
      v.contractNo = v.contractKey ? keys.id(v.contractKey) : -1;
      this.tailNo[i] = v.tailNo;
      this.keyNo[i] = v.keyNo;
      this.digitsNo[i] = v.digitsNo;
      this.contractNo[i] = v.contractNo;
      this.issuedDay[i] = v.issuedDay;
      this.dueDay[i] = v.dueDay;
      this.refers[i] = v.refersTo.size > 0 ? 1 : 0;
      if (v.key) keys.addAt(keys.byKey, v.keyNo, i);
      if (v.inv.paymentReference) keys.add(keys.byKey, refKey(v.inv.paymentReference), i);
      if (v.digits) keys.addAt(keys.byDigits, v.digitsNo, i);
      if (v.tail) keys.addAt(keys.byTail, v.tailNo, i);
      const ds = v.digits;
      // Each distinct one-digit-short variant (dropping either of two equal neighbours gives the same).
      if (ds.length >= 4) {
        const m = keys.variants(ds, true, variantIds);
        if (m >= 0) for (let k = 0; k < m; k++) keys.addAt(keys.shorter, variantIds[k]!, i);
        else for (let j = 0; j < ds.length; j++) if (j === 0 || ds.charCodeAt(j) !== ds.charCodeAt(j - 1)) keys.add(keys.shorter, ds.slice(0, j) + ds.slice(j + 1), i);
      }
      if (v.contractNo >= 0) keys.addAt(keys.byContract, v.contractNo, i);
      if (v.inv.type === 'credit_note') for (const k of v.inv.refersTo ?? []) keys.add(keys.creditsFor, refKey(k), i);
      const out = v.inv.outstanding, outNum = this.outstandingNum[i]!;
      listFor(this.byAmount, v.inv.currency, v.sign).entries.push({ amount: out, num: outNum, idx: i });
      this.byParty[no]!.push(i);
      const own = listFor(this.partyAmounts[no]!, v.inv.currency, v.sign).entries;
      own.push({ amount: out, num: outNum, idx: i });
      const vat = v.inv.vat ?? 0n;
      if (vat > 0n) {
        own.push({ amount: v.inv.total + vat, num: Number(v.inv.total + vat), idx: i });
        own.push({ amount: v.inv.total - vat, num: Number(v.inv.total - vat), idx: i });
      }
    }
    this.identities = identities.size;
    this.keys.finish();
    // Doubles keep the order of the amounts: only equal doubles need the exact comparison.
    const byAmount = (a: AmountEntry, b: AmountEntry) => a.num - b.num || (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : a.idx - b.idx);
    const sorted = (list: AmountList) => {
      list.entries.sort(byAmount);
      list.nums = Float64Array.from(list.entries, (e) => e.num);
      // The invoice numbers too, read where the entries' objects would be a pointer each to follow.
      list.idxs = Int32Array.from(list.entries, (e) => e.idx);
    };
    for (const list of this.byAmount) sorted(list);
    for (const lists of this.partyAmounts) for (const list of lists) sorted(list);
    this.idRank = new Int32Array(n);
    const byId = this.views.map((v) => v.idx).sort((a, b) => (invoices[a]!.id < invoices[b]!.id ? -1 : invoices[a]!.id > invoices[b]!.id ? 1 : 0));
    for (let k = 0, rank = 0; k < byId.length; k++) {
      // Equal ids share a rank: compared as equal, as the strings are.
      if (k > 0 && invoices[byId[k]!]!.id !== invoices[byId[k - 1]!]!.id) rank = k;
      this.idRank[byId[k]!] = rank;
    }
  }

  private readonly days = new Map<string, number>();
  readonly day = (date: string): number => {
    let d = this.days.get(date);
    if (d === undefined) this.days.set(date, (d = dayOf(date)));
    return d;
  };
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

function ruleWhyOf(r: MatchRule, what: string): string {
  return `${r.origin === 'owner' ? 'your rule' : 'learned rule'}: payer ${what}`;
}

const PART_RE = /частичн|аванс|предоплат|доплат|остат|окончательн|\bчасть|part(?:ial)?\b|instal+ment|advance|balance|remaining|anzahlung|teilzahlung|restzahlung|abschlag/iu;

function viewRow(row: BankRow, run: Run): RowView {
  const { ix, rules } = run;
  const rowName = ix.names.of(row.counterpartyName);
  const sign = row.amount < 0n ? -1 : 1;
  const cited: Cited[] = [];
  const keys: string[] = [];
  let citesInvoice = false;
  for (const r of referencesIn(row.text)) {
    const key = refKey(r.number);
    if (keys.includes(key)) continue;
    keys.push(key);
    cited.push(citedOf(r.kind, r.number, r.date));
    if (r.kind === 'invoice' || r.kind === 'act') citesInvoice = true;
  }
  const bare = bareTokens(row.text, false);
  if (row.reference) bare.push(...bareTokens(row.reference, true));
  for (const t of bare) {
    if (keys.some((k) => k.endsWith(t.key) || t.key.endsWith(k))) continue;
    keys.push(t.key);
    cited.push(t);
  }
  // The counterparties whose invoices (of the row's direction, open or not) a cited number names exactly.
  const hitParties = new Set<number>();
  const abs = sign < 0 ? -row.amount : row.amount;
  const index = ix.keys;
  for (const c of cited) {
    c.keyNo = index.get(c.key);
    c.digitsNo = c.digits ? index.get(c.digits) : -1;
    c.tailNo = c.tail ? index.get(c.tail) : -1;
    if (c.contract) continue;
    hitsOf(index.byKey, c.keyNo, c, sign, abs, hitParties, run);
    hitsOf(index.byDigits, c.digitsNo, c, sign, abs, hitParties, run);
    hitsOf(index.byTail, c.tailNo, c, sign, abs, hitParties, run);
  }
  const notes = new Set<string>();
  if (row.counterparty) notes.add(row.counterparty);
  const account = idKey(row.counterpartyAccount);
  const taxId = idKey(row.counterpartyTaxId);
  const name = rowName.key;
  let ruleWhy: string | undefined;
  if (rules.any) {
    // In this order (the first rule found says why); an empty map is not asked.
    const byAccount = account && rules.byAccount.size > 0 ? rules.byAccount.get(account) : undefined;
    const byTax = taxId && rules.byTaxId.size > 0 ? rules.byTaxId.get(taxId) : undefined;
    const byName = name && rules.byName.size > 0 ? rules.byName.get(name) : undefined;
    if (byAccount) {
      notes.add(byAccount.counterparty);
      ruleWhy ??= ruleWhyOf(byAccount, 'account');
    }
    if (byTax) {
      notes.add(byTax.counterparty);
      ruleWhy ??= ruleWhyOf(byTax, 'tax id');
    }
    if (byName) {
      notes.add(byName.counterparty);
      ruleWhy ??= ruleWhyOf(byName, 'name');
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
    own: { amount: abs },
  };
}

/** The parties a cited number names exactly, and those of them with an open invoice the row could pay (in part). */
function hitsOf(p: Postings, id: number, c: Cited, sign: number, abs: Money, hitParties: Set<number>, run: Run): void {
  const from = p.from(id), to = p.to(id), items = p.items;
  if (to - from > POSTING_MAX) return;
  const ix = run.ix;
  for (let k = from; k < to; k++) {
    const i = items[k]!;
    if (ix.signs[i] !== sign) continue;
    const party = ix.partyNo[i]!;
    hitParties.add(party);
    if (!run.isOpen[i]) continue;
    c.namedOpen = withParty(c.namedOpen, party);
    if (ix.currencyNo[i] !== run.rowCurrencyNo || couldTakeRow(i, abs, run)) c.openParties = withParty(c.openParties, party);
  }
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
  /** Named only by a typo reading of a number that is another open invoice of the same counterparty: a guess against the text. */
  typoOfOpen: boolean;
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

const CP_LEVELS: readonly CpLevel[] = ['strong', 'name', 'weak', 'none', 'conflict'];

/**
 * What one run of the matcher holds while it takes the rows in turn, and the candidate search of the row
 * in turn (methods, not closures made per row).
 */
class Run {
  readonly rules: Rules;
  /** What is still open on each invoice, and whether anything is. */
  readonly open: Money[];
  readonly isOpen: Uint8Array;
  /** The open amounts as doubles, for the amount check's fast path (exact below 2^53, see `fastAmountLevel`). */
  readonly openNum: Float64Array;
  /** Invoices whose open amount changed in this run, by party number: the amount index no longer finds them. */
  readonly touched = new Map<number, Set<number>>();
  /**
   * Per invoice, the turn of the row that last took it as a candidate, and that last found it by a cited
   * number: membership for the row in turn without a set to build and clear.
   */
  readonly seenAt: Int32Array;
  readonly citedAt: Int32Array;
  /** Found by a cited number itself (not a typo of it): may be named exactly. */
  readonly sameAt: Int32Array;
  /** Per party number: a party the row names by its note, tax id or account; a party taken as the row's. */
  readonly strongAt: Int32Array;
  readonly partyAt: Int32Array;
  /** Per invoice identity: the counterparty evidence for the row in turn. */
  readonly cpAt: Int32Array;
  readonly cpLevel: Uint8Array;
  turn = 0;
  /** An option scoring below this is neither shown nor changes what is matched: not worth scoring. */
  readonly negligible: number;
  /** Whether an invoice whose counterparty the row rules out is negligible unless the row cites its own number. */
  readonly othersNegligible: boolean;

  readonly feeMaxNum: number;
  readonly feePpmNum: number;

  // The row in turn.
  rowCurrencyNo = -1;
  /** The row's amount as a double. */
  rowNum = 0;
  pool: number[] = [];
  parties: number[] = [];
  /** A cited number too common to follow may still be some candidate's own: then none is known not to be. */
  sameUnknown = false;
  skipRuledOut = false;
  rowNotes = false;
  rowTax = false;
  rowSign = 1;
  /** The row's notes, tax id, account and name key as the index numbers them (-1: none, or one no invoice has). */
  rowNoteNos: number[] = [];
  rowTaxNo = -1;
  rowAccountNo = -1;
  rowNameNo = -1;
  /** The row's one number (besides contract numbers), when typo neighbours of it may be refused unscored (see `refusedTypo`). */
  loneCited: Cited | undefined;
  /** Where the row's amount falls in each currency (null: no rate). */
  readonly ranges = new Map<string, Range | null>();

  constructor(readonly ix: Indexes, rules: readonly MatchRule[], readonly config: MatchConfig, invoices: readonly OpenInvoice[]) {
    this.rules = resolveRules(rules);
    this.open = invoices.map((i) => i.outstanding);
    this.isOpen = Uint8Array.from(invoices, (i) => (i.outstanding > 0n ? 1 : 0));
    this.openNum = Float64Array.from(invoices, (i) => Number(i.outstanding));
    this.feeMaxNum = Number(config.feeMax);
    this.feePpmNum = Number(ppm(config.feeFraction));
    const n = invoices.length;
    this.seenAt = new Int32Array(n);
    this.citedAt = new Int32Array(n);
    this.sameAt = new Int32Array(n);
    this.strongAt = new Int32Array(ix.byParty.length);
    this.partyAt = new Int32Array(ix.byParty.length);
    this.cpAt = new Int32Array(ix.identities);
    this.cpLevel = new Uint8Array(ix.identities);
    const floor = Math.max(config.low / 2, 0.05);
    // Below the review floor and the low threshold it is not shown; below `high - margin` it cannot hold back the best.
    this.negligible = Math.min(floor, config.low, config.high - config.margin);
    this.othersNegligible = scoreCeiling('conflict', false) < this.negligible;
  }

  consider(idx: number): void {
    if (this.seenAt[idx] === this.turn) return;
    this.seenAt[idx] = this.turn;
    if (this.isOpen[idx]) this.pool.push(idx);
  }

  follow(p: Postings, id: number, same: boolean): void {
    const from = p.from(id), to = p.to(id), items = p.items;
    if (to - from > POSTING_MAX) {
      if (same) this.sameUnknown = true;
      return;
    }
    const turn = this.turn;
    for (let k = from; k < to; k++) {
      const i = items[k]!;
      this.consider(i);
      this.citedAt[i] = turn;
      if (same) this.sameAt[i] = turn;
    }
  }

  followTypos(p: Postings, id: number): void {
    const from = p.from(id), to = p.to(id), items = p.items;
    if (to - from > POSTING_MAX) return;
    const turn = this.turn;
    const lone = this.loneCited;
    for (let k = from; k < to; k++) {
      const i = items[k]!;
      if (this.skipRuledOut && this.sameAt[i] !== turn && this.ruledOut(i)) continue;
      if (lone && this.seenAt[i] !== turn && this.refusedTypo(i, lone)) continue;
      this.consider(i);
      this.citedAt[i] = turn;
    }
  }

  /**
   * A typo neighbour of the row's one number, of a party that number names an open invoice of (so the
   * typo reading is refused, and the text contradicts it), whose amount does not fit: it scores nothing
   * and no other option depends on it, so it is not taken. Its running part is checked, the one relation
   * to the number left (the same number, a credit note's invoice: found before, so already seen).
   */
  refusedTypo(i: number, c: Cited): boolean {
    const ix = this.ix;
    if (ix.signs[i] !== this.rowSign || !c.openParties.has(ix.partyNo[i]!) || (c.tail !== '' && ix.tailNo[i] === c.tailNo)) return false;
    const amount = fastAmountLevel(i, this);
    return amount === 'partial' || amount === 'over';
  }

  /** An invoice of a counterparty the row's note or tax id rules out: its counterparty evidence is a conflict. */
  ruledOut(idx: number): boolean {
    const ix = this.ix;
    return this.strongAt[ix.partyNo[idx]!] !== this.turn && ((this.rowNotes && ix.hasNote[idx] === 1) || (this.rowTax && ix.hasTax[idx] === 1));
  }

  addParty(p: number, parties: number[]): void {
    if (this.partyAt[p] === this.turn) return;
    this.partyAt[p] = this.turn;
    parties.push(p);
  }

  /** The invoices of the lists (the row's direction) whose amount lies around the row's, with its tolerance twice over: fees and VAT variants are checked when scored. */
  byAmount(r: RowView, lists: readonly AmountList[], max: number): void {
    for (const list of lists) {
      if (list.sign !== r.sign) continue;
      let g = this.ranges.get(list.currency);
      if (g === undefined) {
        const conv = rowAmountIn(r, list.currency, this.config);
        const tol = !conv ? 0n : conv.rate ? fxTolerance(conv.amount, this.config) : feeTolerance(conv.amount, this.config);
        const lo = conv ? conv.amount - tol - tol : 0n, hi = conv ? conv.amount + tol + tol : 0n;
        this.ranges.set(list.currency, (g = conv ? { lo, hi, loNum: Number(lo), hiNum: Number(hi) } : null));
      }
      if (!g) continue;
      const { entries, nums, idxs } = list;
      let taken = 0;
      for (let k = firstAtLeast(nums, g.loNum); k < nums.length && nums[k]! <= g.hiNum && taken < max; k++) {
        // Equal as doubles at a boundary: the exact amounts decide.
        if (nums[k] === g.loNum && entries[k]!.amount < g.lo) continue;
        if (nums[k] === g.hiNum && entries[k]!.amount > g.hi) break;
        taken++;
        this.consider(idxs[k]!);
      }
    }
  }

  /** The counterparty evidence, once per row and invoice identity. */
  cpOf(r: RowView, idx: number): CpLevel {
    const id = this.ix.identity[idx]!;
    if (this.cpAt[id] === this.turn) return CP_LEVELS[this.cpLevel[id]!]!;
    const cp = cpOfIdentity(r, this, id);
    this.cpAt[id] = this.turn;
    this.cpLevel[id] = CP_LEVELS.indexOf(cp);
    return cp;
  }
}

/** `cpEvidence` for an invoice identity, from the index's arrays and the row's numbers (see `Run.rowCp`). */
function cpOfIdentity(r: RowView, run: Run, id: number): CpLevel {
  const ix = run.ix;
  const note = ix.idNote[id]!, tax = ix.idTax[id]!;
  if (note >= 0 && run.rowNoteNos.includes(note)) return 'strong';
  if (tax >= 0 && tax === run.rowTaxNo) return 'strong';
  if (run.rowAccountNo >= 0 && ix.idAccounts[id]!.includes(run.rowAccountNo)) return 'strong';
  if ((note >= 0 && r.notes.size > 0) || (r.taxId && tax >= 0)) return 'conflict';
  if (run.rowNameNo >= 0 && run.rowNameNo === ix.idName[id]) return 'name';
  const words = ix.idWords[id]!;
  for (const w of r.nameWords) if (words.has(w)) return 'weak';
  return 'none';
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
  const run = new Run(ix, rules, config, invoices);
  const { open, touched } = run;
  const result: MatchResult = { auto: [], review: [], unmatchedRows: [] };

  const order = rows.map((_, i) => i).sort((a, b) => {
    const x = rows[a]!, y = rows[b]!;
    return x.date < y.date ? -1 : x.date > y.date ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : x.ledger < y.ledger ? -1 : x.ledger > y.ledger ? 1 : a - b;
  });
  const rank = ix.idRank;
  /** Ties in score: by the invoices' ids, so the order never depends on the order of the input. */
  const byScore = (a: Option, b: Option): number => {
    if (b.score !== a.score) return b.score - a.score;
    for (let k = 0; k < a.members.length && k < b.members.length; k++) {
      const x = rank[a.members[k]!]!, y = rank[b.members[k]!]!;
      if (x !== y) return x - y;
    }
    return a.members.length - b.members.length;
  };

  for (const ri of order) {
    const row = rows[ri]!;
    run.turn++;
    run.rowCurrencyNo = ix.currencyNos.get(row.currency) ?? -1;
    run.rowNum = Number(row.amount < 0n ? -row.amount : row.amount);
    const r = viewRow(row, run);
    const options = candidatesFor(r, run);
    options.sort(byScore);
    const best = options[0];
    const lead = best ? best.score - (options[1]?.score ?? 0) : 0;
    if (best && best.score >= config.high && lead >= config.margin - 1e-9 && autoAllowed(best)) {
      const why = explain(best, r, run);
      for (let k = 0; k < best.members.length; k++) {
        const idx = best.members[k]!;
        const amount = best.amounts[k]!;
        open[idx] = open[idx]! - amount;
        run.openNum[idx] = Number(open[idx]!);
        run.isOpen[idx] = open[idx]! > 0n ? 1 : 0;
        // Its amount is no longer the one the amount index holds: looked at whenever its counterparty is, while open.
        const party = ix.partyNo[idx]!;
        const t = touched.get(party);
        if (run.isOpen[idx]) {
          if (t) t.add(idx); else touched.set(party, new Set([idx]));
        } else t?.delete(idx);
        result.auto.push({ rowKey: row.key, ledger: row.ledger, invoiceId: ix.ids[idx]!, amount, score: best.score, why });
      }
    } else if (best && best.score >= config.low) {
      const shown = options.filter((o) => o.score >= floor).slice(0, REVIEW_OPTIONS);
      result.review.push({
        rowKey: row.key,
        ledger: row.ledger,
        candidates: shown.map((o): Candidate => ({ invoiceIds: o.members.map((i) => ix.ids[i]!), amounts: o.amounts, score: o.score, why: explain(o, r, run) })),
      });
    } else {
      result.unmatchedRows.push({ rowKey: row.key, ledger: row.ledger });
    }
  }
  return result;
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
  if (ref === 'fuzzy') return !o.typoOfOpen && cp === 'strong' && (amount === 'exact' || amount === 'vat' || amount === 'fx');
  if (REF_NAMES.has(ref)) return AMOUNT_MATCHES.has(amount) || (amount === 'partial' && ref === 'exact' && cp === 'strong' && !o.typoNeighbour);
  return cp === 'strong' && date === 'in' && o.unique && AMOUNT_MATCHES.has(amount);
}

function candidatesFor(r: RowView, run: Run): Option[] {
  const { ix, open, config, rules } = run;
  const turn = run.turn;
  // Reused from row to row: read only while the row is in turn.
  const pool = run.pool;
  pool.length = 0;
  run.sameUnknown = false;
  run.ranges.clear();

  // Who the counterparty is: the parties the row names by note, tax id or account; else by name.
  const parties = run.parties;
  parties.length = 0;
  for (const n of r.notes) {
    const p = ix.partyOfNote.get(n);
    if (p !== undefined) run.addParty(p, parties);
  }
  const byTax = r.taxId ? ix.partiesByTax.get(r.taxId) : undefined;
  if (byTax) for (const p of byTax) run.addParty(p, parties);
  const byAccount = r.account ? ix.partiesByAccount.get(r.account) : undefined;
  if (byAccount) for (const p of byAccount) run.addParty(p, parties);
  const strongCp = parties.length > 0;
  for (const p of parties) run.strongAt[p] = turn;
  if (!strongCp) {
    const byName = r.name ? ix.partiesByName.get(r.name) : undefined;
    if (byName) for (const p of byName) run.addParty(p, parties);
    else for (const w of r.nameWords) { const l = ix.partiesByWord.get(w); if (l && l.size <= NAME_WORD_MAX) for (const p of l) run.addParty(p, parties); }
  }
  run.rowNotes = r.notes.size > 0;
  run.rowNoteNos.length = 0;
  for (const n of r.notes) {
    const no = ix.noteNos.get(n);
    if (no !== undefined) run.rowNoteNos.push(no);
  }
  run.rowTaxNo = r.taxId ? ix.taxNos.get(r.taxId) ?? -1 : -1;
  run.rowAccountNo = r.account ? ix.accountNos.get(r.account) ?? -1 : -1;
  run.rowNameNo = r.name ? ix.nameNos.get(r.name) ?? -1 : -1;
  run.rowTax = r.taxId !== '';

  // By the numbers the text cites, then their one-typo neighbours. The neighbours are many (a typo of a
  // number of the business's own series is another customer's number): those ruled out and not cited
  // by their own number could not score enough to be shown, and are not taken.
  const keys = ix.keys;
  for (const c of r.cited) {
    if (c.contract) {
      run.follow(keys.byContract, c.keyNo, false);
      continue;
    }
    run.follow(keys.byKey, c.keyNo, true);
    run.follow(keys.byDigits, c.digitsNo, true);
    run.follow(keys.byTail, c.tailNo, false);
    const credits = keys.creditsFor;
    for (let k = credits.from(c.keyNo), end = credits.to(c.keyNo); k < end; k++) {
      const n = credits.items[k]!;
      run.consider(n);
      run.citedAt[n] = turn;
    }
  }
  const sameUnknown = run.sameUnknown;
  run.skipRuledOut = run.othersNegligible && !sameUnknown;
  run.rowSign = r.sign;
  run.loneCited = undefined;
  if (!sameUnknown && run.negligible > 0) {
    // An option with a contradicted reference and an amount that does not fit scores at most this.
    const most = scoreOfLevels('conflict', 'strong', 'partial', 'in', false, r.saysPart);
    const numbers = r.cited.filter((c) => !c.contract);
    if (numbers.length === 1 && most < run.negligible) run.loneCited = numbers[0];
  }
  for (const c of r.cited) {
    if (c.contract || c.digits.length < 4) continue;
    run.followTypos(keys.shorter, c.digitsNo);
    const ds = c.digits;
    const m = keys.variants(ds, false, variantIds);
    if (m >= 0) {
      for (let k = 0; k < m; k++) {
        const id = variantIds[k]!;
        if (id < 0) continue;
        run.followTypos(keys.byDigits, id);
        run.followTypos(keys.shorter, id);
      }
      continue;
    }
    for (let j = 0; j < ds.length; j++) {
      if (j > 0 && ds.charCodeAt(j) === ds.charCodeAt(j - 1)) continue;
      const id = keys.get(ds.slice(0, j) + ds.slice(j + 1));
      if (id < 0) continue;
      run.followTypos(keys.byDigits, id);
      run.followTypos(keys.shorter, id);
    }
  }

  for (const p of parties) {
    const list = ix.byParty[p]!;
    if (list.length <= CP_SCAN_ALL) for (const i of list) run.consider(i);
    else {
      run.byAmount(r, ix.partyAmounts[p]!, POSTING_MAX);
      const t = run.touched.get(p);
      if (t) for (const i of t) run.consider(i);
    }
  }

  // By amount, when nothing says who the counterparty is.
  if (!strongCp) run.byAmount(r, ix.byAmount, 50);

  // Single invoices.
  const options: Option[] = [];
  const singles: Option[] = [];
  for (const idx of pool) {
    const refund = ix.signs[idx] !== r.sign;
    // The other direction only as a refund the text names (money back on an invoice).
    if (refund && !(r.refund && run.citedAt[idx] === turn)) continue;
    // Set aside unscored what could not score enough to be shown, and then what the numbers alone show
    // could change nothing (before the invoice's view is read: most candidates end there).
    const cp = run.ruledOut(idx) ? 'conflict' : run.cpOf(r, idx);
    if (scoreCeiling(cp, sameUnknown || run.sameAt[idx] === turn) < run.negligible) continue;
    if (!refund && negligibleAt(r, idx, cp, run)) continue;
    const o = single(r, ix.views[idx]!, cp, open[idx]!, run, refund);
    if (!o) continue;
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
      if (!ix.isInvoice[o.members[0]!]) continue;
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
  if (!anyFits && parties.length > 0 && parties.length <= 3) {
    const cpPool: number[] = [];
    for (const p of parties) for (const idx of ix.byParty[p]!) if (open[idx]! > 0n && ix.views[idx]!.sign === r.sign) cpPool.push(idx);
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
  // A typo reading of a number that is itself an open invoice of the counterparty, in a text naming
  // several (so that one may be paid together with the others), is a guess against the text: asked.
  const numbers = r.cited.reduce((n, c) => (c.contract ? n : n + 1), 0);
  for (const o of singles) {
    if (o.levels.ref !== 'fuzzy' || numbers < 2) continue;
    const v = ix.views[o.members[0]!]!;
    const by = r.cited.filter((c) => citedLevel(c, v) === 'fuzzy');
    if (by.every((c) => c.namedOpen.has(v.partyNo))) {
      o.typoOfOpen = true;
      o.notes.push(`${by.map((c) => c.raw).join(', ')} is another open invoice of theirs`);
    }
  }
  // A part payment has no amount to check its number against: when the number could be another open
  // invoice's of theirs with a digit dropped or two swapped, and this row could pay that one too (issued
  // by then, open for at least as much), it is asked.
  for (const o of singles) {
    if (o.levels.amount !== 'partial' || o.levels.ref !== 'exact') continue;
    const v = ix.views[o.members[0]!]!;
    const cited = r.cited.filter((c) => citedLevel(c, v) === 'exact');
    for (const u of ix.byParty[v.partyNo]!) {
      const w = ix.views[u]!;
      if (u === v.idx || w.sign !== r.sign || w.issuedDay > r.day + 7 || w.inv.currency !== v.inv.currency) continue;
      // Open for at least as much, or as much with its VAT added (a total that left VAT out).
      const vat = w.inv.vat ?? 0n;
      const withVat = vat > 0n && open[u] === w.inv.outstanding && open[u] === w.inv.total ? open[u]! + vat : 0n;
      if (open[u]! < o.amounts[0]! - feeTolerance(open[u]!, config) && !(withVat > 0n && withVat >= o.amounts[0]! - feeTolerance(withVat, config))) continue;
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
  const credits = run.ix.keys.creditsFor, out: number[] = [];
  // Read in place: most invoices have no credit note, and no list is made for them.
  for (let k = credits.from(v.keyNo), end = credits.to(v.keyNo); k < end; k++) {
    const c = credits.items[k]!;
    if (run.open[c]! > 0n && run.ix.views[c]!.sign === -r.sign && run.ix.partyNo[c] === v.partyNo) out.push(c);
  }
  return out;
}

/**
 * One invoice as an option; undefined where it could change nothing: not the refund the text names, an
 * amount that does not fit (so no other option's uniqueness depends on it), no number naming it (so it
 * is in no set the text names), and a score below what is shown or holds back the best.
 */
function single(r: RowView, v: InvoiceView, cp: CpLevel, open: Money, run: Run, refund: boolean): Option | undefined {
  const config = run.config;
  const idx = v.idx;
  const target = refund ? run.ix.total[idx]! : open;
  // A number one typo from the invoice's cannot mean it when the payment was made before the invoice
  // existed: the text names another one.
  const read = refLevel(r, v);
  const ref: RefLevel = read === 'fuzzy' && r.day < v.issuedDay ? 'conflict' : read;
  if (ref === 'conflict' && cp === 'conflict') return undefined;
  const amount = (refund ? undefined : fastAmountLevel(idx, run)) ?? exactAmountLevel(r, idx, target, run);
  const date = dateLevel(r, v, config);
  if (!refund && !AMOUNT_MATCHES.has(amount) && REF_RANK[ref] <= REF_RANK.fuzzy && scoreOfLevels(ref, cp, amount, date, false, r.saysPart) < run.negligible) return undefined;
  return {
    members: [v.idx],
    amounts: [refund ? r.abs : allocationFor(amount, r, run.ix.currency[idx]!, target, config)],
    levels: { ref, cp, amount, date },
    allNamed: REF_NAMES.has(ref),
    refund,
    typoNeighbour: false,
    typoOfOpen: false,
    soleSum: false,
    score: 0,
    unique: false,
    notes: [],
    target,
  };
}

const SAFE = 2 ** 53;

/** `amountLevel`, with the invoice's currency and amounts read from the index's arrays. */
function exactAmountLevel(r: RowView, idx: number, target: Money, run: Run): AmountLevel {
  const ix = run.ix, config = run.config;
  // The same currency number is the same currency string: the row's own amount.
  const conv: { amount: Money; rate?: string } | undefined = ix.currencyNo[idx] === run.rowCurrencyNo ? r.own : rowAmountIn(r, ix.currency[idx]!, config);
  if (!conv) return 'off';
  const a = conv.amount;
  if (conv.rate) {
    const d = a - target;
    return (d < 0n ? -d : d) <= fxTolerance(target, config) ? 'fx' : a < target ? 'partial' : 'over';
  }
  if (a === target) return 'exact';
  if (withinFees(a, target, config)) return 'fee';
  const vat = ix.vat[idx]!;
  if (vat > 0n && target === ix.outstanding[idx] && target === ix.total[idx] && (withinFees(a, target + vat, config) || withinFees(a, target - vat, config))) return 'vat';
  return a < target ? 'partial' : 'over';
}

/** Whether `a` is within fees of `target` (as `feeTolerance` allows). */
function withinFees(a: Money, target: Money, config: MatchConfig): boolean {
  const d = a - target;
  return (d < 0n ? -d : d) <= feeTolerance(target, config);
}

/** The set with the party added: the shared empty one replaced by a set of the number's own. */
function withParty(set: ReadonlySet<number>, party: number): ReadonlySet<number> {
  if (set === NO_PARTIES) return new Set([party]);
  (set as Set<number>).add(party);
  return set;
}

/** Whether the invoice is open for at least the row's amount, fees aside: in doubles where exact, else in BigInt. */
function couldTakeRow(i: number, abs: Money, run: Run): boolean {
  const o = run.openNum[i]!, a = run.rowNum;
  if (o >= 0 && o < SAFE / 2 && a >= 0 && a < SAFE && run.feePpmNum <= 1e6 && run.feeMaxNum >= 0 && run.feeMaxNum < SAFE) return o + feeTolNum(o, run) >= a;
  const open = run.open[i]!;
  return open >= abs - feeTolerance(open, run.config);
}

/** `feeTolerance` in doubles, exact for an integer `t` in [0, 2^53): the fraction's floor split so that no product passes 2^53. */
function feeTolNum(t: number, run: Run): number {
  let q = Math.floor(t / 1e6);
  let rem = t - q * 1e6;
  if (rem < 0) { q -= 1; rem += 1e6; } else if (rem >= 1e6) { q += 1; rem -= 1e6; }
  const byFraction = q * run.feePpmNum + Math.floor((rem * run.feePpmNum) / 1e6);
  return byFraction < run.feeMaxNum ? byFraction : run.feeMaxNum;
}

/** Whether `a` is within fees of `t`, in doubles: exact for integers in [0, 2^53) (the fraction's floor split so that no product passes 2^53). */
function withinFeesNum(a: number, t: number, run: Run): boolean {
  const d = a > t ? a - t : t - a;
  if (d > run.feeMaxNum) return false;
  let q = Math.floor(t / 1e6);
  let rem = t - q * 1e6;
  if (rem < 0) { q -= 1; rem += 1e6; } else if (rem >= 1e6) { q += 1; rem -= 1e6; }
  return d <= q * run.feePpmNum + Math.floor((rem * run.feePpmNum) / 1e6);
}

/**
 * `amountLevel` for an invoice in the row's own currency, in doubles, without reading a BigInt: every
 * amount a non-negative integer below 2^53, where doubles are exact; undefined elsewhere (the exact path decides).
 */
function fastAmountLevel(idx: number, run: Run): AmountLevel | undefined {
  const ix = run.ix;
  if (ix.currencyNo[idx] !== run.rowCurrencyNo || run.feePpmNum > 1e6 || !(run.feeMaxNum >= 0 && run.feeMaxNum < SAFE)) return undefined;
  const a = run.rowNum, t = run.openNum[idx]!;
  if (!(a >= 0 && a < SAFE && t >= 0 && t < SAFE)) return undefined;
  if (a === t) return 'exact';
  if (withinFeesNum(a, t, run)) return 'fee';
  const vat = ix.vatNum[idx]!;
  if (vat > 0 && t === ix.outstandingNum[idx] && t === ix.totalNum[idx]) {
    const up = t + vat, down = t - vat;
    if (!(up < SAFE && down >= 0)) return undefined;
    if (withinFeesNum(a, up, run) || withinFeesNum(a, down, run)) return 'vat';
  }
  return a < t ? 'partial' : 'over';
}

/**
 * Whether an invoice is an option that could change nothing (see `single`), from the index's numbers
 * alone: its amount does not fit, no cited number is its own, its running part or its credit note's
 * invoice, and even read as a typo of one it would score below what counts. False where unsure.
 */
function negligibleAt(r: RowView, idx: number, cp: CpLevel, run: Run): boolean {
  const amount = fastAmountLevel(idx, run);
  if (amount === undefined || AMOUNT_MATCHES.has(amount)) return false;
  const ix = run.ix;
  if (ix.refers[idx]) return false;
  const party = ix.partyNo[idx]!, keyNo = ix.keyNo[idx]!, digitsNo = ix.digitsNo[idx]!, tailNo = ix.tailNo[idx]!, contractNo = ix.contractNo[idx]!;
  let best: RefLevel = 'none';
  let typo = false;
  for (const c of r.cited) {
    if (c.contract) {
      if (contractNo >= 0 && c.keyNo === contractNo) best = 'contract';
      continue;
    }
    // As `citedLevel`, but for its typo check: only whether it could be one.
    if (c.keyNo === keyNo || (c.digits !== '' && c.digitsNo === digitsNo) || (c.tail !== '' && c.tailNo === tailNo)) return false;
    if (c.digits.length >= 3 && !c.openParties.has(party) && (c.dateDay === undefined || c.dateDay === ix.issuedDay[idx])) typo = true;
    if (contractNo >= 0 && c.keyNo === contractNo) best = 'contract';
  }
  const day = r.day, issued = ix.issuedDay[idx]!, due = ix.dueDay[idx]!;
  const ref: RefLevel = typo && day >= issued ? 'fuzzy' : r.citesInvoice || r.hitParties.has(party) ? 'conflict' : best;
  const late = day - due - run.config.windowDays;
  const date: DateLevel = day < issued - 7 ? (issued - day > 30 ? 'far' : 'early') : late > 0 ? (late > 2 * run.config.windowDays ? 'far' : 'late') : 'in';
  return scoreOfLevels(ref, cp, amount, date, false, r.saysPart) < run.negligible;
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
  // A member the sum fits without (a small invoice inside the rate's tolerance, or the fees of a sum that
  // is not exact) is not shown by the amount to be paid: the set is no reading of the row. An exact sum
  // is kept: its small member is what makes it exact.
  if (amount !== 'exact') for (const v of views) {
    const rest = sum - (v.sign === r.sign ? open[v.idx]! : -open[v.idx]!);
    if (rest <= 0n) continue;
    const e = conv.amount - rest < 0n ? rest - conv.amount : conv.amount - rest;
    if (e <= (conv.rate ? fxTolerance(rest, config) : feeTolerance(rest, config))) return undefined;
  }

  const paying = views.filter((v) => v.sign === r.sign);
  // A credit note counts against the invoice it corrects, not against any other.
  if (views.some((v) => v.sign !== r.sign && !paying.some((p) => v.refersTo.has(p.key)))) return undefined;
  const refs = paying.map((v) => refLevel(r, v));
  const namedLevels = refs.filter((x) => REF_NAMES.has(x));
  const allNamed = namedLevels.length === paying.length && eachNamedOnce(r, paying);
  let ref: RefLevel;
  if (allNamed) ref = minBy(REF_RANK, namedLevels);
  else if (refs.includes('conflict')) ref = 'conflict';
  else if (namedLevels.length > 0) ref = 'fuzzy';
  else ref = refs.includes('contract') ? 'contract' : 'none';
  const cps = views.map((v) => run.cpOf(r, v.idx));
  const dates = paying.map((v) => dateLevel(r, v, config));
  return {
    members,
    amounts: members.map((i) => open[i]!),
    levels: { ref, cp: minBy(CP_RANK, cps), amount, date: minBy(DATE_RANK, dates) },
    allNamed,
    refund: false,
    typoNeighbour: false,
    typoOfOpen: false,
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
  const party = new Set(paying.map((v) => v.partyNo));
  const credits = [...new Set(paying.flatMap((v) => ix.keys.creditsFor.list(v.keyNo)))]
    .map((i) => ix.views[i]!)
    .filter((v) => open[v.idx]! > 0n && v.sign === -r.sign && v.inv.currency === r.row.currency && party.has(v.partyNo))
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
