// Realistic reconciliation sets from a seed: counterparties (Russian and English names with legal forms,
// tax ids, accounts), invoices both ways with VAT included or not, and the bank rows that pay them with
// the noise real statements have: bank fees, partial and combined payments, typos in references, date
// lags, references written several ways, payments in another currency at a dated rate, monthly rent of
// equal amounts, credit notes and refunds, and rows that pay nothing. Every row carries its truth.
import { formatMoney, multiplyMoney, roundMoney, type Money } from '../../contract/money.ts';
import type { Allocation, BankRow, MatchConfig, MatchResult, MatchRule, OpenInvoice } from '../../companion/reconcile/types.ts';
import { DEFAULT_CONFIG } from '../../companion/reconcile/match/score.ts';
import { mulberry32 } from '../support/rng.ts';

export interface TruthPart { invoiceId: string; amount: Money }

export interface GeneratedSet {
  seed: number;
  rows: BankRow[];
  invoices: OpenInvoice[];
  rules: MatchRule[];
  /** What each row truly pays (by row key); null when it pays no invoice of the set. */
  truth: Map<string, TruthPart[] | null>;
  /** The scenario that made each row, for the breakdown of results. */
  scenario: Map<string, string>;
  config: MatchConfig;
}

// ---------------------------------------------------------------- randomness


class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  float(): number { return this.next(); }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
  digits(n: number): string { let s = String(this.int(1, 9)); while (s.length < n) s += String(this.int(0, 9)); return s; }
  /** Log-uniform: as many small amounts as large ones. */
  logUniform(lo: number, hi: number): number { return Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))); }
}

// ---------------------------------------------------------------- calendar and money

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const iso = (day: number) => new Date(START + day * DAY).toISOString().slice(0, 10);
const dmy = (day: number) => { const d = iso(day); return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`; };
const RU_MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthOf = (day: number) => new Date(START + day * DAY).getUTCMonth();

const UNIT = 100_000n;
const money = (units: number): Money => BigInt(Math.round(units * 100)) * 1000n;

// ---------------------------------------------------------------- counterparties

const RU_BASE = ['Ромашка', 'Полиграф', 'БумагаОпт', 'Северный Ветер', 'Типография Принт', 'Меридиан', 'Вектор', 'Альфа-Снаб', 'Техностиль', 'Гранит', 'Орион', 'Сфера', 'Импульс', 'Радуга', 'Квант', 'Магистраль', 'Лидер', 'Прогресс', 'Стандарт', 'Восход', 'Эталон', 'Кедр', 'Форвард', 'Астра', 'Сигма', 'Горизонт', 'Феникс', 'Альянс', 'Атлант', 'Байкал', 'Хлебозавод', 'Цветмет', 'Янтарь', 'Юпитер', 'Щит'];
const RU_SUFFIX = ['', '-Сервис', ' Трейд', ' Групп', '-М', ' Плюс', ' Логистик', ' Маркет', ' Снаб', ' Пром'];
const RU_PEOPLE = ['Иванов', 'Петрова', 'Смирнов', 'Кузнецова', 'Соколов', 'Попова', 'Лебедев', 'Козлова', 'Новиков', 'Морозова', 'Волков', 'Жукова', 'Зайцев', 'Щукина', 'Яковлев'];
const RU_GIVEN = ['Иван', 'Анна', 'Сергей', 'Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Елена', 'Юрий', 'Татьяна'];
const EN_BASE = ['Greenleaf', 'Nordlicht', 'Acme', 'Bluebird', 'Kestrel', 'Harbour', 'Lindgren', 'Oakwood', 'Papierwerk', 'Brightline', 'Silverline', 'Riverside', 'Maple', 'Falcon', 'Summit', 'Alpine', 'Northwind', 'Copperfield', 'Westbrook', 'Starling', 'Hawthorne', 'Quayside'];
const EN_SUFFIX = ['', ' Trading', ' Print', ' Design', ' Logistics', ' Media', ' Solutions', ' Supplies', ' Studio'];
const EN_FORMS = ['Ltd', 'GmbH', 'LLC', 'Inc.', 'B.V.', 'AG', 'GmbH & Co. KG', 'Limited'];
const GOODS_RU = ['бумагу', 'печать меню', 'визитки', 'картон', 'краску', 'услуги дизайна', 'доставку', 'буклеты', 'аренду оборудования', 'консультации'];
const GOODS_EN = ['brand design', 'catalogue layout', 'paper supplies', 'printing', 'consulting', 'web hosting', 'photography', 'translation'];

type Lang = 'ru' | 'en';
type Role = 'customer' | 'supplier' | 'both';

interface Party {
  note: string;
  lang: Lang;
  name: string;
  /** The name without its legal form, for the variants banks show. */
  core: string;
  form: string;
  taxId: string;
  accounts: string[];
  /** Accounts the counterparty pays from that no note or invoice knows. */
  newAccount: string;
  currency: string;
  role: Role;
  /** The supplier's own numbering of its invoices. */
  style: 'plain' | 'prefixed' | 'slash';
  prefix: string;
  seq: number;
  landlord: boolean;
  /** Pays from another currency, converted by its bank. */
  fxPayer: boolean;
}

const TRANSLIT: Record<string, string[]> = {
  а: ['a'], б: ['b'], в: ['v'], г: ['g'], д: ['d'], е: ['e'], ё: ['e', 'yo'], ж: ['zh'], з: ['z'], и: ['i'], й: ['y', 'i', 'j'], к: ['k'], л: ['l'], м: ['m'], н: ['n'], о: ['o'], п: ['p'],
  р: ['r'], с: ['s'], т: ['t'], у: ['u'], ф: ['f'], х: ['kh', 'h'], ц: ['ts', 'c'], ч: ['ch'], ш: ['sh'], щ: ['shch', 'sch'], ъ: [''], ы: ['y'], ь: [''], э: ['e'], ю: ['yu', 'iu'], я: ['ya', 'ia'],
};

function translit(rng: Rng, s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const t = TRANSLIT[lower];
    out += t ? rng.pick(t) : ch;
  }
  return out.toUpperCase();
}

/** The name as a bank shows it: as written, form moved or spelled out, upper case, transliterated, cut at 35 characters. */
function bankName(rng: Rng, p: Party): string {
  const x = rng.float();
  if (p.lang === 'ru') {
    if (p.form === 'ИП') return x < 0.5 ? p.name : x < 0.8 ? `ИП ${p.core.split(' ')[0]} ${p.core.split(' ')[1]?.[0] ?? ''}.` : `ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ ${p.core.toUpperCase()}`;
    if (x < 0.4) return p.name;
    if (x < 0.55) return `${p.form} «${p.core}»`;
    if (x < 0.7) return `${p.core} ${p.form}`;
    if (x < 0.8 && p.form === 'ООО') return `ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "${p.core.toUpperCase()}"`;
    if (x < 0.92) return `${translit(rng, p.form)} ${translit(rng, p.core)}`;
    return p.name.toUpperCase().slice(0, 35);
  }
  if (x < 0.5) return p.name;
  if (x < 0.7) return p.name.toUpperCase();
  if (x < 0.85) return p.core;
  return `${p.core} ${p.form}`.toUpperCase().slice(0, 35);
}

// ---------------------------------------------------------------- the set

interface Plan {
  inv: OpenInvoice;
  party: Party;
  issuedDay: number;
  dueDay: number;
  /** What the owner's invoice says is the total the payer sees (gross). */
  gross: Money;
  vatRate: number;
  used: boolean;
}

export interface GenerateOptions {
  seed: number;
  /** About this many invoices (and about as many bank rows). */
  invoices: number;
}

const OWN_RUB = '40702810900000000001';
const OWN_EUR = 'DE44500105175407324931';

export function generate(opts: GenerateOptions): GeneratedSet {
  const rng = new Rng(opts.seed);
  const n = Math.max(60, opts.invoices);
  const invoices: OpenInvoice[] = [];
  const rows: BankRow[] = [];
  const rules: MatchRule[] = [];
  const truth = new Map<string, TruthPart[] | null>();
  const scenario = new Map<string, string>();

  // Exchange rates per day: units of the currency per euro, a random walk.
  const days = 400;
  const perEur: Record<string, number[]> = { EUR: [], USD: [], RUB: [] };
  let usd = 1.08, rub = 98;
  for (let d = 0; d < days; d++) {
    usd *= 1 + (rng.float() - 0.5) * 0.006;
    rub *= 1 + (rng.float() - 0.5) * 0.01;
    perEur.EUR!.push(1); perEur.USD!.push(usd); perEur.RUB!.push(rub);
  }
  const rateOn = (from: string, to: string, date: string): number | undefined => {
    const d = Math.min(days - 1, Math.max(0, Math.round((Date.parse(`${date}T00:00:00Z`) - START) / DAY)));
    const f = perEur[from]?.[d], t = perEur[to]?.[d];
    return f && t ? t / f : undefined;
  };
  const config: MatchConfig = {
    ...DEFAULT_CONFIG,
    rate: (from, to, date) => { const r = rateOn(from, to, date); return r === undefined ? undefined : r.toFixed(5); },
  };

  // Counterparties.
  const nParties = Math.max(12, Math.round(n / 25));
  const parties: Party[] = [];
  const usedNames = new Set<string>();
  let ownSeqRu = 1000 + rng.int(0, 400), ownSeqEn = rng.int(1, 300);
  for (let i = 0; i < nParties; i++) {
    const lang: Lang = rng.chance(0.6) ? 'ru' : 'en';
    let core: string, form: string;
    for (let tries = 0; ; tries++) {
      if (lang === 'ru') {
        form = rng.chance(0.15) ? 'ИП' : rng.pick(['ООО', 'ООО', 'ООО', 'АО', 'ПАО']);
        core = form === 'ИП' ? `${rng.pick(RU_PEOPLE)} ${rng.pick(RU_GIVEN)}` : `${rng.pick(RU_BASE)}${rng.pick(RU_SUFFIX)}`;
      } else {
        form = rng.pick(EN_FORMS);
        core = `${rng.pick(EN_BASE)}${rng.pick(EN_SUFFIX)}`;
      }
      if (tries > 20) core += ` ${i}`;
      if (!usedNames.has(core)) break;
    }
    usedNames.add(core);
    const name = lang === 'ru' ? (form === 'ИП' ? `ИП ${core}` : `${form} "${core}"`) : `${core} ${form}`;
    const ruAccount = () => `40702810${rng.digits(12)}`;
    const iban = () => `${rng.pick(['DE', 'NL', 'AT', 'GB'])}${rng.digits(2)}${rng.digits(18)}`;
    const roleX = rng.float();
    parties.push({
      note: `Counterparties/${core}.md`,
      lang,
      name,
      core,
      form,
      taxId: lang === 'ru' ? rng.digits(form === 'ИП' ? 12 : 10) : `${rng.pick(['DE', 'NL', 'AT', 'GB'])}${rng.digits(9)}`,
      accounts: [lang === 'ru' ? ruAccount() : iban(), ...(rng.chance(0.2) ? [lang === 'ru' ? ruAccount() : iban()] : [])],
      newAccount: lang === 'ru' ? ruAccount() : iban(),
      currency: lang === 'ru' ? 'RUB' : rng.chance(0.8) ? 'EUR' : 'USD',
      role: roleX < 0.55 ? 'customer' : roleX < 0.9 ? 'supplier' : 'both',
      style: lang === 'ru' ? (rng.chance(0.85) ? 'plain' : 'slash') : rng.chance(0.8) ? 'prefixed' : 'slash',
      prefix: lang === 'ru' ? '' : rng.pick(['INV', 'RE', 'KP', 'SI', 'F']),
      seq: rng.int(1, 900),
      landlord: false,
      fxPayer: lang === 'en' ? rng.chance(0.12) : rng.chance(0.03),
    });
  }
  // A few landlords (and tenants) with monthly rent of one amount.
  for (const p of parties.slice(0, Math.max(1, Math.round(nParties * 0.03)))) { p.landlord = true; p.fxPayer = false; }

  const invoiceNumber = (p: Party, direction: 'incoming' | 'outgoing'): string => {
    if (direction === 'outgoing') return p.lang === 'ru' || p.currency === 'RUB' ? String(++ownSeqRu) : `AIOS-2026-${String(++ownSeqEn).padStart(4, '0')}`;
    const s = ++p.seq;
    if (p.style === 'plain') return String(s);
    if (p.style === 'slash') return `${s}/2026`;
    return `${p.prefix}-2026-${String(s).padStart(p.prefix === 'KP' ? 3 : 4, '0')}`;
  };

  const plans: Plan[] = [];
  let invSeq = 0;
  const addInvoice = (p: Party, direction: 'incoming' | 'outgoing', issuedDay: number, grossUnits: number, vatRate: number, opts2: { contract?: string; type?: 'invoice' | 'credit_note'; number?: string; refersTo?: string[] } = {}): Plan => {
    const gross = money(grossUnits);
    const vat = vatRate ? roundMoney((gross * BigInt(vatRate)) / BigInt(100 + vatRate)) : 0n;
    // Some sources state the total without VAT: the payer still pays it with VAT.
    const statedNet = vatRate > 0 && opts2.type !== 'credit_note' && rng.chance(0.12);
    const total = statedNet ? gross - vat : gross;
    const prepaid = !statedNet && opts2.type !== 'credit_note' && rng.chance(0.04) ? roundMoney(total / 3n) : 0n;
    const dueDay = issuedDay + rng.pick([7, 10, 14, 14, 30, 30]);
    const inv: OpenInvoice = {
      id: `inv-${++invSeq}`,
      number: opts2.number ?? invoiceNumber(p, direction),
      direction,
      type: opts2.type ?? 'invoice',
      issued: iso(issuedDay),
      due: rng.chance(0.85) ? iso(dueDay) : undefined,
      currency: p.currency,
      total,
      vat: vatRate ? vat : undefined,
      outstanding: total - prepaid,
      counterparty: p.note,
      counterpartyTaxId: rng.chance(0.9) ? p.taxId : undefined,
      counterpartyAccounts: direction === 'incoming' || rng.chance(0.5) ? [...p.accounts] : [],
      counterpartyName: p.name,
      contractNumber: opts2.contract,
      refersTo: opts2.refersTo,
    };
    invoices.push(inv);
    const plan: Plan = { inv, party: p, issuedDay, dueDay: inv.due ? dueDay : issuedDay, gross: gross - prepaid, vatRate, used: false };
    plans.push(plan);
    return plan;
  };

  const amountUnits = (p: Party): number => {
    const [lo, hi] = p.currency === 'RUB' ? [800, 600_000] : [40, 25_000];
    const v = rng.logUniform(lo, hi);
    return rng.chance(0.5) ? Math.round(v / 10) * 10 : Math.round(v * 100) / 100;
  };
  const vatOf = (p: Party) => (p.lang === 'ru' ? rng.pick([20, 20, 20, 10, 0, 0]) : rng.pick([19, 20, 21, 0]));

  // Invoices: counterparties of very different sizes, as in life.
  const weights = parties.map(() => rng.logUniform(1, 40));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const rentContracts = new Map<Party, string>();
  for (const p of parties) {
    if (p.landlord) {
      const contract = p.lang === 'ru' ? `${rng.int(1, 40)}-А` : `L-${rng.int(10, 99)}/2025`;
      rentContracts.set(p, contract);
      const rent = p.currency === 'RUB' ? rng.int(40, 300) * 1000 : rng.int(8, 60) * 100;
      const direction = p.role === 'customer' ? 'outgoing' : 'incoming';
      for (let m = 0; m < 12; m++) addInvoice(p, direction, Math.round(m * 30.4) + rng.int(0, 2), rent, p.lang === 'ru' ? 0 : 19, { contract });
      continue;
    }
    const count = Math.max(1, Math.round((n * weights[parties.indexOf(p)]!) / wsum));
    for (let k = 0; k < count; k++) {
      const direction = p.role === 'customer' ? 'outgoing' : p.role === 'supplier' ? 'incoming' : rng.chance(0.5) ? 'outgoing' : 'incoming';
      addInvoice(p, direction, rng.int(0, 330), amountUnits(p), vatOf(p), { contract: rng.chance(0.3) ? `${p.lang === 'ru' ? 'Д' : 'C'}-${rng.int(1, 99)}/2025` : undefined });
    }
  }

  // ---- bank rows

  let rowSeq = 0;
  const addRow = (p: Party | undefined, sign: 1 | -1, day: number, amount: Money, text: string, parts: TruthPart[] | null, kind: string, opts3: { currency?: string; reference?: string; payerName?: string; account?: 'known' | 'new' | 'none' } = {}): BankRow => {
    const currency = opts3.currency ?? p?.currency ?? 'RUB';
    const key = `r${++rowSeq}`;
    const ownAccount = currency === 'RUB' ? OWN_RUB : `${OWN_EUR}${currency === 'EUR' ? '' : currency}`;
    const row: BankRow = { key, ledger: `Finance/Ledgers/${ownAccount} ${iso(day).slice(0, 7)}.md`, account: ownAccount, date: iso(day), amount: sign < 0 ? -amount : amount, currency, text };
    if (opts3.reference) row.reference = opts3.reference;
    if (p) {
      const acc = opts3.account ?? (rng.chance(0.8) ? 'known' : 'new');
      if (acc === 'known') row.counterpartyAccount = rng.pick(p.accounts);
      else if (acc === 'new') row.counterpartyAccount = p.newAccount;
      if (p.lang === 'ru' ? rng.chance(0.9) : rng.chance(0.05)) row.counterpartyTaxId = p.taxId;
      row.counterpartyName = bankName(rng, p);
      // The ledger links a row to its counterparty note by a known account or tax id.
      if ((acc === 'known' || row.counterpartyTaxId) && rng.chance(0.85)) row.counterparty = p.note;
    } else if (opts3.payerName) {
      row.counterpartyName = opts3.payerName;
    }
    rows.push(row);
    truth.set(key, parts);
    scenario.set(key, kind);
    return row;
  };

  /** A number as the payer writes it: whole, without its prefix, other separators, only its running part, with a typo. */
  const writeNumber = (inv: OpenInvoice, typo: boolean): string => {
    let s = inv.number;
    const x = rng.float();
    if (/^[A-Z]+-\d{4}-\d+$/.test(s)) {
      const [, year, seq] = s.split('-');
      if (x < 0.45) s = inv.number;
      else if (x < 0.65) s = `${year}-${seq}`;
      else if (x < 0.75) s = `${year}/${seq}`;
      else if (x < 0.85) s = s.replace(/-/g, '');
      else s = String(Number(seq));
    } else if (/^\d+\/2026$/.test(s) && x < 0.4) s = s.split('/')[0]!;
    if (typo) {
      const pos = [...s].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
      if (pos.length >= 3) {
        const t = rng.float();
        const i = rng.pick(pos.slice(0, -1));
        // The slips the issue names: two digits swapped, or one dropped.
        if (t < 0.5 && /\d/.test(s[i + 1] ?? '') && s[i] !== s[i + 1]) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
        else s = s.slice(0, i) + s.slice(i + 1);
      }
    }
    return s;
  };

  const purposeFor = (plan: Plan, numbers: string[], day: number, how: 'full' | 'partial' | 'rest'): string => {
    const p = plan.party;
    const inv = plan.inv;
    const list = numbers.join(', ');
    const many = numbers.length > 1;
    if (p.lang === 'ru') {
      const vatText = plan.vatRate ? `в т.ч. НДС ${plan.vatRate}% ${formatMoney(roundMoney((plan.gross * BigInt(plan.vatRate)) / BigInt(100 + plan.vatRate)))}` : rng.pick(['НДС не облагается', 'Без НДС']);
      // Most part payments say so; some look like any other payment.
      const says = rng.chance(0.7);
      const lead = how === 'partial' && says ? rng.pick(['Частичная оплата', 'Аванс', 'Оплата части']) : how === 'rest' && says ? rng.pick(['Доплата', 'Окончательный расчет', 'Оплата остатка']) : 'Оплата';
      const x = rng.float();
      if (many) return rng.pick([`${lead} по счетам № ${list}. ${vatText}`, `${lead} по сч. ${numbers.join(', ')}`, `Оплата по счетам ${numbers.join(' и ')} за ${rng.pick(GOODS_RU)}`]);
      const n0 = numbers[0]!;
      if (x < 0.3) return `${lead} по счету № ${n0} от ${dmy(plan.issuedDay)} за ${rng.pick(GOODS_RU)}, ${vatText}`;
      if (x < 0.45) return `${lead} по сч. ${n0} ${vatText}`;
      if (x < 0.55) return `${lead} сч.${n0}`;
      if (x < 0.63) return `${lead} по сч ${n0} за ${rng.pick(GOODS_RU)}`;
      if (x < 0.72) return `${lead} по счёт-фактуре № ${n0} от ${dmy(plan.issuedDay)}. ${vatText}`;
      if (x < 0.8) return `${lead} по УПД № ${n0}. ${vatText}`;
      if (x < 0.9) return `${lead} за ${rng.pick(GOODS_RU)} по счету ${n0}. ${vatText}`;
      return `${lead} по счету N${n0} от ${dmy(plan.issuedDay)}${inv.contractNumber ? ` по договору ${inv.contractNumber}` : ''}`;
    }
    const says = rng.chance(0.7);
    const lead = how === 'partial' && says ? rng.pick(['Partial payment', 'Instalment 1', 'Advance']) : how === 'rest' && says ? rng.pick(['Balance', 'Final instalment', 'Remaining amount']) : '';
    const pre = lead ? `${lead} ` : '';
    if (many) return rng.pick([`${pre}Invoices ${list}`, `${pre}Rechnungen ${numbers.join(', ')}`, `Payment inv ${numbers.join(' and ')}`]);
    const n0 = numbers[0]!;
    const x = rng.float();
    if (x < 0.25) return `${pre}Invoice ${n0} ${rng.pick(GOODS_EN)}`;
    if (x < 0.38) return `${pre}${n0}`;
    if (x < 0.5) return `${pre}Rechnung ${n0} vom ${dmy(plan.issuedDay)}`;
    if (x < 0.6) return `${pre}RE ${n0}`;
    if (x < 0.7) return `${pre}inv no. ${n0}`;
    if (x < 0.8) return `${pre}ref ${n0}`;
    if (x < 0.9) return `${pre}Payment for invoice ${n0} dated ${iso(plan.issuedDay)}, thank you`;
    return `${pre}INV ${n0} ${EN_MONTHS[monthOf(day)]}`;
  };

  const noRefPurpose = (p: Party, contract?: string): string => {
    if (p.lang === 'ru') return rng.pick(['Оплата по договору', `Оплата за ${rng.pick(GOODS_RU)}`, `Оплата по договору ${contract ?? ''}`.trim(), 'Оплата за услуги. Без НДС', `Оплата за ${rng.pick(GOODS_RU)}, в т.ч. НДС 20%`]);
    return rng.pick(['Payment', `Payment ${rng.pick(GOODS_EN)}`, 'Services', `Thank you for the ${rng.pick(GOODS_EN)}`, 'Zahlung']);
  };

  /** When the row pays: mostly before or shortly after due, some weeks late, a few a little before issue. */
  const payDay = (plan: Plan): number => {
    const x = rng.float();
    if (x < 0.05) return plan.issuedDay - rng.int(1, 5);
    if (x < 0.8) return plan.issuedDay + rng.int(0, Math.max(1, plan.dueDay - plan.issuedDay + 5));
    if (x < 0.95) return plan.dueDay + rng.int(5, 40);
    return plan.dueDay + rng.int(40, 90);
  };

  const signOf = (inv: OpenInvoice): 1 | -1 => ((inv.direction === 'incoming') !== (inv.type === 'credit_note') ? -1 : 1);

  /** The amount a full payment shows: the open amount, VAT added where the source left it out, fees taken off money coming in. */
  const paidAmount = (plan: Plan, withFee: boolean): Money => {
    let a = plan.inv.total === plan.inv.outstanding && plan.inv.vat && plan.inv.total !== plan.gross ? plan.gross : plan.inv.outstanding;
    if (withFee) {
      const units = Number(a / UNIT);
      const fee = Math.min(25, Math.max(0.3, units * rng.float() * 0.012));
      a -= money(Math.round(fee * 100) / 100);
    }
    return a;
  };

  const open = plans.filter((pl) => !pl.party.landlord);

  // Rent: each month paid, naming the contract or the invoice; a month now and then left for later.
  for (const plan of plans.filter((pl) => pl.party.landlord)) {
    if (rng.chance(0.12)) continue;
    const p = plan.party;
    const day = plan.issuedDay + rng.int(0, 8);
    const m = monthOf(plan.issuedDay);
    const contract = rentContracts.get(p)!;
    const byInvoice = rng.chance(0.4);
    const text = p.lang === 'ru'
      ? byInvoice ? `Арендная плата по счету № ${plan.inv.number} за ${RU_MONTHS[m]} 2026` : `Арендная плата за ${RU_MONTHS[m]} 2026 по договору аренды № ${contract}. НДС не облагается`
      : byInvoice ? `Rent ${EN_MONTHS[m]} 2026 invoice ${plan.inv.number}` : `Rent ${EN_MONTHS[m]} 2026 contract ${contract}`;
    addRow(p, signOf(plan.inv), day, plan.inv.outstanding, text, [{ invoiceId: plan.inv.id, amount: plan.inv.outstanding }], byInvoice ? 'rent by invoice' : 'rent by contract');
    plan.used = true;
  }
  for (const p of parties.filter((x) => x.landlord)) {
    if (rng.chance(0.5)) rules.push({ counterparty: p.note, amountOnly: true, origin: 'learned' });
  }

  // Credit notes: after a payment, money back; before it, the payment covers the invoice less the note.
  const creditPlans: Plan[] = [];
  for (const plan of open) {
    if (plan.used || plan.inv.type !== 'invoice' || plan.inv.outstanding !== plan.inv.total || !rng.chance(0.04)) continue;
    const p = plan.party;
    const part = Math.round(Number(plan.inv.total / UNIT) * (0.1 + rng.float() * 0.3) * 100) / 100;
    const cnNumber = p.lang === 'ru' ? `К-${rng.int(1, 999)}` : `CN-2026-${String(rng.int(1, 999)).padStart(3, '0')}`;
    const cn = addInvoice(p, plan.inv.direction, plan.issuedDay + rng.int(3, 20), part, 0, { type: 'credit_note', number: cnNumber, refersTo: [plan.inv.number] });
    cn.used = true;
    plan.used = true;
    creditPlans.push(cn);
    const sign = signOf(plan.inv);
    if (rng.chance(0.55)) {
      // Paid less the credit note, after it.
      const day = cn.issuedDay + rng.int(1, 20);
      const amount = plan.inv.outstanding - cn.inv.outstanding;
      const text = p.lang === 'ru'
        ? rng.pick([`Оплата по счету № ${plan.inv.number} с учетом корректировки № ${cn.inv.number}`, `Оплата по счету № ${plan.inv.number} от ${dmy(plan.issuedDay)}`])
        : rng.pick([`Invoice ${plan.inv.number} less credit note ${cn.inv.number}`, `Invoice ${plan.inv.number}`]);
      addRow(p, sign, day, amount, text, [{ invoiceId: plan.inv.id, amount: plan.inv.outstanding }, { invoiceId: cn.inv.id, amount: cn.inv.outstanding }], 'invoice less credit note');
    } else {
      // Paid in full before the credit note; then the difference comes back the other way.
      const day = plan.issuedDay + rng.int(0, 3);
      addRow(p, sign, day, plan.inv.outstanding, purposeFor(plan, [plan.inv.number], day, 'full'), [{ invoiceId: plan.inv.id, amount: plan.inv.outstanding }], 'paid before credit note');
      const back = cn.issuedDay + rng.int(1, 15);
      const text = p.lang === 'ru'
        ? rng.pick([`Возврат по корректировочному счету-фактуре № ${cn.inv.number}`, `Возврат излишне уплаченных средств по счету № ${plan.inv.number}`])
        : rng.pick([`Refund credit note ${cn.inv.number}`, `Refund for invoice ${plan.inv.number}`]);
      addRow(p, (-sign) as 1 | -1, back, cn.inv.outstanding, text, [{ invoiceId: cn.inv.id, amount: cn.inv.outstanding }], 'refund of credit note');
    }
  }

  // Everything else: full, partial, combined, unpaid.
  const byParty = new Map<Party, Plan[]>();
  for (const plan of open) if (!plan.used) { const l = byParty.get(plan.party) ?? []; l.push(plan); byParty.set(plan.party, l); }
  for (const [p, list] of byParty) {
    list.sort((a, b) => a.issuedDay - b.issuedDay);
    for (let i = 0; i < list.length; i++) {
      const plan = list[i]!;
      if (plan.used) continue;
      plan.used = true;
      const inv = plan.inv;
      const sign = signOf(inv);
      const x = rng.float();
      if (x < 0.1) continue; // unpaid
      // Combined: this and the next one to three invoices of the same direction and currency, paid at once.
      if (x < 0.16) {
        const group = [plan];
        const size = rng.int(2, 4);
        for (let j = i + 1; j < list.length && group.length < size; j++) {
          const o = list[j]!;
          if (!o.used && o.inv.direction === inv.direction && o.issuedDay - plan.issuedDay < 40 && o.inv.outstanding === o.inv.total && o.gross === o.inv.total) { o.used = true; group.push(o); }
        }
        if (group.length >= 2 && plan.gross === inv.total) {
          const day = group[group.length - 1]!.issuedDay + rng.int(1, 20);
          const cites = rng.chance(0.75);
          const text = cites ? purposeFor(plan, group.map((g) => writeNumber(g.inv, false)), day, 'full') : noRefPurpose(p, plan.inv.contractNumber);
          const amount = group.reduce((s, g) => s + g.inv.outstanding, 0n);
          addRow(p, sign, day, amount, text, group.map((g) => ({ invoiceId: g.inv.id, amount: g.inv.outstanding })), cites ? 'combined, named' : 'combined, unnamed');
          continue;
        }
        for (const g of group.slice(1)) g.used = false;
      }
      // Partial: two or three payments in date order.
      if (x < 0.19 && inv.outstanding === plan.gross) {
        const shares = rng.pick([[0.5, 0.5], [0.3, 0.7], [0.4, 0.3, 0.3], [0.6, 0.4]]);
        let left = inv.outstanding;
        let day = payDay(plan);
        const cites = rng.chance(0.9);
        shares.forEach((share, k) => {
          const last = k === shares.length - 1;
          const amount = last ? left : money(Math.round(Number(inv.outstanding / UNIT) * share));
          left -= amount;
          const text = cites ? purposeFor(plan, [writeNumber(inv, rng.chance(0.04))], day, last ? 'rest' : 'partial') : noRefPurpose(p, plan.inv.contractNumber);
          addRow(p, sign, day, amount, text, [{ invoiceId: inv.id, amount }], cites ? 'partial' : 'partial, unnamed');
          day += rng.int(5, 35);
        });
        continue;
      }
      // Full payment, with its noise.
      const day = payDay(plan);
      const fx = p.fxPayer && plan.gross === inv.outstanding && rng.chance(0.6);
      const fee = !fx && sign > 0 && rng.chance(p.lang === 'en' ? 0.25 : 0.08);
      const noRef = rng.chance(0.07);
      const typo = !noRef && rng.chance(0.06);
      let amount = paidAmount(plan, fee);
      let currency = p.currency;
      let kind = noRef ? 'full, unnamed' : typo ? 'full, typo' : 'full';
      if (fx) {
        currency = p.currency === 'RUB' ? 'EUR' : p.currency === 'USD' ? 'EUR' : 'RUB';
        const r = rateOn(p.currency, currency, iso(day))!;
        amount = roundMoney(multiplyMoney(amount, (r * (1 + (rng.float() - 0.5) * 0.016)).toFixed(5)));
        kind = `${kind}, other currency`;
      } else if (fee) kind = `${kind}, fee`;
      if (amount !== inv.outstanding && !fee && !fx) kind = `${kind}, VAT added`;
      const text = noRef ? noRefPurpose(p, plan.inv.contractNumber) : purposeFor(plan, [writeNumber(inv, typo)], day, 'full');
      const reference = p.lang === 'en' && !noRef && rng.chance(0.3) ? inv.number : undefined;
      addRow(p, sign, day, amount, text, [{ invoiceId: inv.id, amount: inv.outstanding }], kind, { currency, reference });
    }
  }

  // Rows that pay no invoice of the set.
  const unrelated = Math.round(rows.length * 0.13);
  for (let k = 0; k < unrelated; k++) {
    const day = rng.int(0, 360);
    const x = rng.float();
    if (x < 0.15) addRow(undefined, -1, day, money(rng.int(50, 400) * 1000), `Перечисление заработной платы за ${RU_MONTHS[monthOf(day)]} 2026 по реестру № ${rng.int(1, 60)}`, null, 'salary', { currency: 'RUB' });
    else if (x < 0.25) addRow(undefined, -1, day, money(rng.int(5, 200) * 1000 + rng.int(0, 99) / 100), `Налог по УСН за ${rng.int(1, 4)} квартал 2026 г. КБК 18210501011011000110 ОКТМО 45382000`, null, 'tax', { currency: 'RUB', payerName: 'УФК по г. Москве (ИФНС России № 7)' });
    else if (x < 0.4) addRow(undefined, -1, day, money(rng.int(1, 300) * 10), rng.pick(['Комиссия за ведение счета', 'Account maintenance fee', 'Комиссия за перевод по платежному поручению']), null, 'bank fee', { currency: rng.pick(['RUB', 'EUR']) });
    else if (x < 0.55) addRow(undefined, -1, day, money(Math.round(rng.logUniform(3, 900) * 100) / 100), `Оплата товаров ${rng.pick(['AZBUKA VKUSA', 'OZON', 'YANDEX TAXI', 'AMAZON EU', 'LERUA MERLEN'])} карта *${rng.digits(4)}`, null, 'card', { currency: rng.pick(['RUB', 'EUR']) });
    else if (x < 0.62) addRow(undefined, rng.chance(0.5) ? 1 : -1, day, money(rng.int(1, 50) * 10000), 'Перевод собственных средств между своими счетами', null, 'own transfer', { currency: 'RUB' });
    else if (x < 0.75) addRow(undefined, 1, day, money(Math.round(rng.logUniform(100, 50000) * 100) / 100), rng.pick(['Пополнение', 'Перевод от физического лица', 'Transfer', 'Gift card refund']), null, 'unknown payer', { payerName: `${rng.pick(RU_PEOPLE)} ${rng.pick(RU_GIVEN)[0]}.`, currency: 'RUB' });
    else {
      // A known counterparty paying what this set does not hold: an invoice of a number it does not have
      // (half the time of the same amount as one it has), or nothing named at all.
      const p = rng.pick(parties);
      const sign: 1 | -1 = p.role === 'supplier' ? -1 : 1;
      const mine = invoices.filter((i) => i.counterparty === p.note && signOf(i) === sign);
      const taken = mine.flatMap((i) => { const g = i.number.match(/\d+/g) ?? []; return [i.number.replace(/\D/g, ''), ...g.map((d) => d.replace(/^0+/, ''))]; });
      let other: string;
      do other = String(rng.int(100, 99999)); while (taken.some((t) => near(t, other)));
      if (x < 0.92) {
        const sameAmount = mine.length > 0 && rng.chance(0.5);
        const amount = sameAmount ? rng.pick(mine).outstanding : money(Math.round(rng.logUniform(50, 90000) * 100) / 100);
        const text = p.lang === 'ru' ? `Оплата по счету № ${other} от ${dmy(day)}` : `Invoice ${other}`;
        addRow(p, sign, day, amount, text, null, sameAmount ? 'other invoice, same amount' : 'other invoice');
      } else {
        addRow(p, sign, day, money(Math.round(rng.logUniform(50, 90000) * 100) / 100), noRefPurpose(p), null, 'unnamed, unrelated');
      }
    }
  }

  // Rules: payers' new accounts learned for some; the owner's rule corrects a wrong learned one now and then.
  for (const p of parties) {
    if (!rng.chance(0.35)) continue;
    const wrong = rng.chance(0.15) ? rng.pick(parties) : undefined;
    if (wrong && wrong !== p) {
      rules.push({ counterparty: wrong.note, payerAccount: p.newAccount, origin: 'learned' });
      rules.push({ counterparty: p.note, payerAccount: p.newAccount, origin: 'owner' });
    } else {
      rules.push({ counterparty: p.note, payerAccount: p.newAccount, origin: 'learned' });
    }
  }

  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.key < b.key ? -1 : 1));
  return { seed: opts.seed, rows, invoices, rules, truth, scenario, config };
}

/** Equal or within one typo of each other (so a made-up number is never a typo of a real one). */
function near(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const d: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d.push(i);
    return d.length === 1 || (d.length === 2 && d[1] === d[0]! + 1 && a[d[0]!] === b[d[1]!] && a[d[1]!] === b[d[0]!]);
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  return false;
}

// ---------------------------------------------------------------- scoring a run

export interface RunScore {
  rows: number;
  paying: number;
  autoAllocations: number;
  autoCorrect: number;
  precision: number;
  recall: number;
  review: number;
  unmatched: number;
  /** Rows matched without asking to an invoice they do not pay. */
  wrongRows: string[];
  /** Rows that pay something and whose review options include the truth. */
  truthOffered: number;
  byScenario: Map<string, { rows: number; auto: number; wrong: number; review: number; unmatched: number }>;
}

export function scoreRun(set: GeneratedSet, result: MatchResult): RunScore {
  const autoBy = new Map<string, Allocation[]>();
  for (const a of result.auto) {
    const l = autoBy.get(a.rowKey) ?? [];
    l.push(a);
    autoBy.set(a.rowKey, l);
  }
  const reviewBy = new Map(result.review.map((r) => [r.rowKey, r]));
  const unmatched = new Set(result.unmatchedRows.map((r) => r.rowKey));
  let autoCorrect = 0, recalled = 0, paying = 0, truthOffered = 0;
  const wrongRows: string[] = [];
  const byScenario = new Map<string, { rows: number; auto: number; wrong: number; review: number; unmatched: number }>();
  for (const row of set.rows) {
    const t = set.truth.get(row.key) ?? null;
    const kind = set.scenario.get(row.key) ?? '?';
    const s = byScenario.get(kind) ?? { rows: 0, auto: 0, wrong: 0, review: 0, unmatched: 0 };
    byScenario.set(kind, s);
    s.rows++;
    if (t) paying++;
    const allocs = autoBy.get(row.key) ?? [];
    const want = new Map((t ?? []).map((p) => [p.invoiceId, p.amount]));
    let rowRight = allocs.length > 0 && allocs.length === want.size;
    let rowWrong = false;
    for (const a of allocs) {
      if (want.get(a.invoiceId) === a.amount) autoCorrect++;
      else rowRight = false;
      if (!want.has(a.invoiceId)) rowWrong = true;
    }
    if (rowWrong) { wrongRows.push(row.key); s.wrong++; }
    else if (allocs.length) s.auto++;
    if (t && rowRight) recalled++;
    const rv = reviewBy.get(row.key);
    if (rv) {
      s.review++;
      if (t && rv.candidates.some((c) => c.invoiceIds.length === want.size && c.invoiceIds.every((id) => want.has(id)))) truthOffered++;
    }
    if (unmatched.has(row.key)) s.unmatched++;
  }
  return {
    rows: set.rows.length,
    paying,
    autoAllocations: result.auto.length,
    autoCorrect,
    precision: result.auto.length ? autoCorrect / result.auto.length : 1,
    recall: paying ? recalled / paying : 1,
    review: result.review.length,
    unmatched: result.unmatchedRows.length,
    wrongRows,
    truthOffered,
    byScenario,
  };
}

export function describeRun(s: RunScore): string {
  const lines = [`rows ${s.rows} (paying ${s.paying}), auto ${s.autoAllocations} allocations, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, review ${s.review} (truth offered in ${s.truthOffered}), unmatched ${s.unmatched}, wrong rows ${s.wrongRows.length}`];
  for (const [k, v] of [...s.byScenario].sort((a, b) => b[1].rows - a[1].rows)) lines.push(`  ${k.padEnd(28)} rows ${String(v.rows).padStart(5)}  auto ${String(v.auto).padStart(5)}  wrong ${v.wrong}  review ${String(v.review).padStart(4)}  unmatched ${String(v.unmatched).padStart(4)}`);
  return lines.join('\n');
}
