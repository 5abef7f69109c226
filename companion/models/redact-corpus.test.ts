// A generated corpus of every identifying form in its common spellings, embedded in Russian, German and
// English sentences, run through the redactor with the packs of the form's country and with all packs.
// After redaction no digit run of the identifier (6+ digits, separators removed), no letter-bearing
// identifier and no e-mail local part may survive. A second corpus of ordinary dates, amounts and
// invoice numbers must come through unchanged, since the model needs them.
// The seed is random on each run and printed; REDACT_SEED=<n> repeats a run, REDACT_N=<n> sets the size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, luhn, type PackCountry } from './redact.ts';
import { mulberry32 } from '../../test/support/rng.ts';

const SEED = process.env.REDACT_SEED ? Number(process.env.REDACT_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 31);
const PER_FORM = process.env.REDACT_N ? Number(process.env.REDACT_N) : 300;
console.log(`redact corpus: seed ${SEED} (repeat with REDACT_SEED=${SEED}), ${PER_FORM} values per form`);

// ---- seeded randomness (mulberry32) ----


class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number, firstNonZero = false): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(i === 0 && firstNonZero ? this.int(1, 9) : this.int(0, 9));
    return s;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

// ---- identifier generators ----

type Category = 'email' | 'phone' | 'bank' | 'tax' | 'id';
type Country = PackCountry | '*';
interface Sample {
  /** The identifier as it is written. */
  spelled: string;
  /** Label words written before it ("ИНН ", "IBAN: "); they may stay. */
  label: string;
  /** E-mail local part that must not survive. */
  local?: string;
}
interface Form {
  id: string;
  country: Country;
  category: Category;
  make(r: Rng): Sample;
}

const group = (s: string, sizes: readonly number[], sep: string): string => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  return out.filter(Boolean).join(sep);
};
const by4 = (s: string, sep = ' '): string => s.replace(/(.{4})(?=.)/g, `$1${sep}`);

function ibanOf(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let mod = 0;
  for (const ch of numeric) mod = (mod * 10 + Number(ch)) % 97;
  return `${country}${String(98 - mod).padStart(2, '0')}${bban}`;
}

function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d;
  throw new Error('unreachable');
}

const LATIN_LOCALS = ['k.vogel', 'anna.sokolova', 'buh', 'jan.becker', 'events', 'orders', 'm.schmidt', 'ivan_petrov', 'sales-team', 'accounting'];
const LATIN_DOMAINS = ['nordlicht.example', 'kestrel-print.ru', 'gmail.com', 'mail.ru', 'firma-gmbh.de', 'bumaga-opt.ru', 'greenleaf.co.uk', 'acme.com'];
const IDN_LOCALS = ['анна', 'иван.петров', 'бухгалтерия', 'jürgen.müller', 'zoë', 'info', 'o.smirnova', 'müller'];
const IDN_DOMAINS = ['пример.рф', 'почта.рус', 'bücher.de', 'müller-gmbh.de', 'компания.рф', 'straße.example', 'xn--80ak6aa92e.com'];
const uniq = (r: Rng, base: string): string => (r.chance(0.6) ? `${base}${r.int(1, 999)}` : base);

const BANK_CODES = ['COBA', 'DEUT', 'SABR', 'ALFA', 'VTBR', 'BNPA', 'BARC', 'NWBK', 'HSBC', 'CHAS', 'INGB', 'RZBA', 'TICS', 'GENO', 'MARK', 'SOGE'];

const FORMS: readonly Form[] = [
  // ---- generic ----
  {
    id: 'email', country: '*', category: 'email',
    make: (r) => {
      const local = uniq(r, r.pick(LATIN_LOCALS));
      return { spelled: `${local}@${r.pick(LATIN_DOMAINS)}`, label: '', local };
    },
  },
  {
    id: 'email-idn', country: '*', category: 'email',
    make: (r) => {
      const local = uniq(r, r.pick(IDN_LOCALS));
      return { spelled: `${local}@${r.chance(0.7) ? r.pick(IDN_DOMAINS) : r.pick(LATIN_DOMAINS)}`, label: '', local };
    },
  },
  {
    id: 'email-obfuscated', country: '*', category: 'email',
    make: (r) => {
      const local = uniq(r, r.pick([...LATIN_LOCALS, 'name', 'ivan']));
      const [d, t] = r.pick([['domain', 'com'], ['kestrel-print', 'ru'], ['firma', 'de'], ['nordlicht', 'example'], ['mail', 'ru'], ['gmail', 'com']] as const);
      const spelled = r.pick([
        `${local} [at] ${d}.${t}`, `${local} [at] ${d} [dot] ${t}`, `${local} (at) ${d} (dot) ${t}`, `${local} at ${d} dot ${t}`,
        `${local}@${d}[.]${t}`, `${local}[@]${d}.${t}`, `${local}(at)${d}.${t}`, `${local}(a)${d}.${t}`, `${local} AT ${d} DOT ${t}`,
        `${local} {at} ${d} {dot} ${t}`, `${local} собака ${d}.${t}`, `${local} собака ${d} точка ${t}`, `${local} @ ${d}.${t}`, `${local}&#64;${d}.${t}`,
      ]);
      return { spelled, label: '', local };
    },
  },
  {
    id: 'iban', country: '*', category: 'bank',
    make: (r) => {
      const iban = r.pick([
        () => ibanOf('DE', r.digits(18)), () => ibanOf('AT', r.digits(16)), () => ibanOf('NL', r.pick(['INGB', 'ABNA', 'RABO']) + r.digits(10)),
        () => ibanOf('GB', r.pick(['NWBK', 'BARC', 'HBUK']) + r.digits(14)), () => ibanOf('FR', r.digits(23)), () => ibanOf('ES', r.digits(20)),
        () => ibanOf('CH', r.digits(17)), () => ibanOf('PL', r.digits(24)), () => ibanOf('BE', r.digits(12)),
      ])();
      return { spelled: r.chance(0.6) ? by4(iban) : iban, label: r.pick(['IBAN ', 'IBAN: ', '', 'IBAN-Nr. ']) };
    },
  },
  {
    id: 'card', country: '*', category: 'bank',
    make: (r) => {
      if (r.chance(0.15)) {
        const n = withLuhn(r.pick(['34', '37']) + r.digits(12));
        return { spelled: r.chance(0.7) ? group(n, [4, 6, 5], ' ') : n, label: r.pick(['Amex ', 'card ', '']) };
      }
      const prefix = r.pick(['4', '51', '55', '2200', '2202']);
      const card = withLuhn(prefix + r.digits(15 - prefix.length));
      return { spelled: r.pick([by4(card), by4(card, '-'), card]), label: r.pick(['card ', 'Karte ', 'карта ', 'карты ', '']) };
    },
  },
  {
    id: 'phone-international', country: '*', category: 'phone',
    make: (r) => ({
      spelled: r.pick([
        () => `+49 ${r.pick(['30', '40', '89', '221'])} ${r.digits(8, true)}`,
        () => `+49 (0)${r.pick(['30', '40', '69'])} ${r.digits(7, true)}`,
        () => `+49 ${r.pick(['171', '151', '160'])} ${r.digits(7, true)}`,
        () => `+49-30-${r.digits(8, true)}`,
        () => `0049 ${r.pick(['30', '40', '89'])} ${r.digits(7, true)}`,
        () => `+44 20 ${r.digits(4, true)} ${r.digits(4)}`,
        () => `+44 (0)20 ${r.digits(4, true)} ${r.digits(4)}`,
        () => `+44 7700 ${r.digits(6, true)}`,
        () => `+7 (${r.pick(['495', '812', '916'])}) ${r.digits(3, true)}-${r.digits(2)}-${r.digits(2)}`,
        () => `+7 ${r.pick(['495', '903'])} ${r.digits(3, true)} ${r.digits(2)} ${r.digits(2)}`,
        () => `+7${r.pick(['916', '985'])}${r.digits(7, true)}`,
        () => `+1 ${r.int(2, 9)}${r.digits(2)} ${r.digits(3, true)} ${r.digits(4)}`,
        () => `+1 (${r.int(2, 9)}${r.digits(2)}) ${r.digits(3, true)}-${r.digits(4)}`,
      ])(),
      label: '',
    }),
  },
  {
    id: 'swift-bic', country: '*', category: 'bank',
    make: (r) => {
      const bic = r.pick(BANK_CODES) + r.pick(['DE', 'RU', 'FR', 'GB', 'US', 'NL', 'AT']) + r.pick(['FF', 'MM', 'PP', '2L', '33', '22', 'WW', '2A', 'M1', 'HH'])
        + r.pick(['', '', 'XXX', '500', '380', '100']);
      return { spelled: bic, label: r.pick(['BIC ', 'BIC: ', 'SWIFT ', 'SWIFT: ', 'SWIFT/BIC ', 'SWIFT code ', '', '']) };
    },
  },
  // ---- RU ----
  {
    id: 'ru-account', country: 'RU', category: 'bank',
    make: (r) => {
      const n = r.pick(['40702810', '40802810', '40817810', '30101810', '40702978']) + r.digits(12);
      const spelled = r.pick([n, group(n, [5, 3, 1, 4, 7], ' '), group(n, [5, 3, 1, 4, 7], '.'), group(n, [5, 3, 1, 4, 7], '-'), by4(n)]);
      return { spelled, label: r.pick(['р/с ', 'р/с: ', 'расчётный счёт ', 'счёт ', 'к/с ', 'корр. счёт ', '']) };
    },
  },
  {
    id: 'ru-phone', country: 'RU', category: 'phone',
    make: (r) => {
      const a = r.pick(['495', '499', '812', '916', '903', '383', '343', `${r.int(3, 9)}${r.digits(2)}`]);
      const [b, c, d] = [r.digits(3, true), r.digits(2), r.digits(2)];
      return {
        spelled: r.pick([
          `8 (${a}) ${b}-${c}-${d}`, `${a} ${b}-${c}-${d}`, `+7 (${a}) ${b} ${c} ${d}`, `8-800-${b}-${c}-${d}`, `8 ${a} ${b}${c}${d}`,
          `8(${a})${b}${c}${d}`, `(${a}) ${b}-${c}-${d}`, `8 ${a} ${b} ${c} ${d}`, `8 (${a}) ${b}${c}${d}`, `8${a}${b}${c}${d}`,
        ]),
        label: '',
      };
    },
  },
  {
    id: 'snils', country: 'RU', category: 'id',
    make: (r) => {
      const n = r.digits(11, true);
      return { spelled: r.pick([`${group(n, [3, 3, 3], '-')} ${n.slice(9)}`, n, `${group(n, [3, 3, 3], ' ')} ${n.slice(9)}`, group(n, [3, 3, 3, 2], '-')]), label: r.pick(['СНИЛС ', 'СНИЛС: ', 'СНИЛС № ', '']) };
    },
  },
  {
    id: 'ru-passport', country: 'RU', category: 'id',
    make: (r) => {
      const s = r.digits(2, true) + r.digits(2);
      const n = r.digits(6, true);
      return {
        spelled: r.pick([`${s.slice(0, 2)} ${s.slice(2)} ${n}`, `${s} ${n}`, `${s} №${n}`, `${s} № ${n}`, `серия ${s} номер ${n}`, `серия ${s.slice(0, 2)} ${s.slice(2)} № ${n}`]),
        label: r.pick(['паспорт ', 'паспорт РФ ', 'паспорт: ', '']),
      };
    },
  },
  { id: 'inn-10', country: 'RU', category: 'tax', make: (r) => ({ spelled: r.digits(10, true), label: r.pick(['ИНН ', 'ИНН: ', 'ИНН', 'INN ', '']) }) },
  { id: 'inn-12', country: 'RU', category: 'tax', make: (r) => ({ spelled: r.digits(12, true), label: r.pick(['ИНН ', 'ИНН физлица ', 'INN ', '']) }) },
  { id: 'ogrn', country: 'RU', category: 'tax', make: (r) => ({ spelled: r.pick(['1', '5']) + r.digits(12), label: r.pick(['ОГРН ', 'ОГРН: ', 'OGRN ', '']) }) },
  { id: 'ogrnip', country: 'RU', category: 'tax', make: (r) => ({ spelled: '3' + r.digits(14), label: r.pick(['ОГРНИП ', 'ОГРНИП: ', '']) }) },
  { id: 'kpp', country: 'RU', category: 'tax', make: (r) => ({ spelled: r.digits(4, true) + r.pick(['01', '43', '45']) + r.digits(3), label: r.pick(['КПП ', 'КПП: ', 'ИНН/КПП 7714698320/', '']) }) },
  { id: 'ru-bik', country: 'RU', category: 'bank', make: (r) => ({ spelled: '04' + r.digits(7), label: r.pick(['БИК ', 'БИК: ', 'БИК банка ', '']) }) },
  // ---- DE ----
  {
    id: 'de-phone', country: 'DE', category: 'phone',
    make: (r) => {
      const a = r.pick(['30', '40', '89', '69', '221', '211', '711', '351', '3381', '171', '151', '160', '176', '1520']);
      const n = r.digits(r.int(6, 8), true);
      const [n1, n2] = [n.slice(0, 4), n.slice(4)];
      return {
        spelled: r.pick([`0${a} ${n}`, `0${a}/${n}`, `0${a}-${n}`, `(0${a}) ${n1}-${n2}`, `0${a} ${n1} ${n2}`, `0${a} / ${n}`, `0${a} ${n}-${r.digits(2, true)}`, `0${a}${n}`]),
        label: '',
      };
    },
  },
  {
    id: 'de-id', country: 'DE', category: 'id',
    make: (r) => {
      const alpha = 'CFGHJKLMNPRTVWXYZ';
      let rest = '';
      while ((rest.match(/\d/g) ?? []).length < 2) rest = r.chars(8, alpha + '0123456789');
      const id = r.pick([...alpha]) + rest;
      return { spelled: r.chance(0.2) ? id + r.digits(1) : id, label: r.pick(['Personalausweisnummer ', 'Ausweis-Nr. ', 'Reisepass ', 'ID card ', 'Passnummer: ']) };
    },
  },
  {
    id: 'de-steuer-id', country: 'DE', category: 'tax',
    make: (r) => {
      const n = r.digits(11, true);
      return { spelled: r.pick([group(n, [2, 3, 3, 3], ' '), n]), label: r.pick(['Steuer-ID ', 'Steuerliche IdNr. ', 'Steueridentifikationsnummer: ', 'IdNr ', '']) };
    },
  },
  {
    id: 'de-ust-id', country: 'DE', category: 'tax',
    make: (r) => {
      const n = r.digits(9, true);
      return { spelled: r.pick([`DE${n}`, `DE ${group(n, [3, 3, 3], ' ')}`, `DE ${n}`]), label: r.pick(['USt-IdNr. ', 'USt-ID: ', 'VAT ID ', '']) };
    },
  },
  // ---- GB ----
  {
    id: 'gb-phone', country: 'GB', category: 'phone',
    make: (r) => ({
      spelled: r.pick([
        `020 ${r.digits(4, true)} ${r.digits(4)}`, `07${r.digits(3)} ${r.digits(6, true)}`, `0161 ${r.digits(3, true)} ${r.digits(4)}`, `(020) ${r.digits(4, true)} ${r.digits(4)}`,
        `01632 ${r.digits(3, true)} ${r.digits(3)}`, `0113 ${r.digits(3, true)} ${r.digits(4)}`, `07${r.digits(3)}${r.digits(6, true)}`,
      ]),
      label: '',
    }),
  },
  {
    id: 'gb-ni', country: 'GB', category: 'id',
    make: (r) => {
      const p = r.chance(0.2) ? 'QQ' : r.chars(1, 'ABCEGHJKLMNPRSTWXYZ') + r.chars(1, 'ABCEGHJKLMNPRSTWXYZ');
      const n = r.digits(6);
      const s = r.chars(1, 'ABCD');
      return { spelled: r.chance(0.5) ? `${p} ${group(n, [2, 2, 2], ' ')} ${s}` : `${p}${n}${s}`, label: r.pick(['NI number ', 'National Insurance No. ', 'NINO: ', '']) };
    },
  },
  {
    id: 'gb-vat', country: 'GB', category: 'tax',
    make: (r) => {
      const n = r.digits(9, true);
      return { spelled: r.pick([`GB${n}`, `GB ${group(n, [3, 4, 2], ' ')}`]), label: r.pick(['VAT No. ', 'VAT reg. ', '']) };
    },
  },
  // ---- US ----
  {
    id: 'us-phone', country: 'US', category: 'phone',
    make: (r) => {
      const a = `${r.int(2, 9)}${r.digits(2)}`;
      const [b, c] = [`${r.int(2, 9)}${r.digits(2)}`, r.digits(4)];
      return { spelled: r.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `1-800-${b}-${c}`, `+1 ${a} ${b} ${c}`]), label: '' };
    },
  },
  {
    id: 'us-ssn', country: 'US', category: 'id',
    make: (r) => {
      const [a, b, c] = [r.digits(3, true), r.digits(2, true), r.digits(4, true)];
      return { spelled: r.pick([`${a}-${b}-${c}`, `${a} ${b} ${c}`, `${a}${b}${c}`]), label: r.pick(['SSN ', 'Social Security number ', 'SSN: ', '']) };
    },
  },
  { id: 'us-ein', country: 'US', category: 'tax', make: (r) => ({ spelled: `${r.digits(2, true)}-${r.digits(7)}`, label: r.pick(['EIN ', 'EIN: ', 'Employer ID ', '']) }) },
];

const TEMPLATES: Record<Category, readonly string[]> = {
  email: [
    'Please send the signed contract to {X} by Friday.',
    'Contact: {X} (accounts department)',
    'You can reach me at {X} or by phone.',
    'Bitte schicken Sie die Rechnung an {X}, danke.',
    'Ansprechpartner: Herr Vogel, E-Mail {X}',
    'Schreiben Sie mir unter {X}.',
    'Пришлите, пожалуйста, акт сверки на {X} до конца недели.',
    'Мой адрес: {X}',
    'Почта бухгалтерии — {X}.',
  ],
  phone: [
    'Call me on {X} after 3 pm.',
    'Tel.: {X}',
    'Our office number is {X}, ask for Anna.',
    'Mobile {X} / WhatsApp',
    'Rufen Sie mich bitte unter {X} an.',
    'Tel. {X}, Fax auf Anfrage',
    'Mobil: {X} (ab 9 Uhr)',
    'Telefon {X} – Montag bis Freitag',
    'Позвоните мне по номеру {X} после 15:00.',
    'Тел.: {X}, доб. 12',
    'Мой мобильный {X}, пишите в WhatsApp.',
    'Контактный телефон: {X}.',
  ],
  bank: [
    'Please pay 1,250.00 EUR to {X} by Friday.',
    'Bank details: {X}, reference INV-2026-112.',
    'Payment received on 05.11.2026 via {X}.',
    'Please transfer the deposit to {X} and send the receipt.',
    'Bitte überweisen Sie 86 400,00 EUR auf {X} bis zum 05.11.2026.',
    'Bankverbindung: {X}, Verwendungszweck RE-2026-000123.',
    'Die Zahlung an {X} ist eingegangen.',
    'Прошу оплатить счёт № 112 от 05.11.2026 на {X} до пятницы.',
    'Реквизиты для оплаты: {X}, назначение платежа — оплата по счёту № 1182.',
    'Платёж на {X} получен, спасибо.',
  ],
  tax: [
    'Our company details: {X}, registered in 2019.',
    'Please add {X} to the invoice.',
    'Tax details — {X}.',
    'Bitte ergänzen Sie {X} auf der Rechnung.',
    'Unsere Daten: {X}, Sitz Berlin.',
    'Реквизиты компании: {X}, юр. адрес — Москва.',
    'Укажите в счёте {X}, пожалуйста.',
  ],
  id: [
    'For the contract: {X}, date of birth 14.03.1985.',
    'ID on file: {X}.',
    'Meine {X}, gültig bis 2030.',
    'Bitte notieren Sie {X} für den Vertrag.',
    'Мой {X}, выдан в 2015 году.',
    'Данные для договора: {X}.',
  ],
};

// ---- leak checks ----

const PLACEHOLDER = /\[[A-Z_]+_\d+\]/g;
const JOINS = /(?<=\d)[\s().\-/№\u00a0\u202f\u2010-\u2015]+(?=\d)/g;
const digitRuns = (s: string): string[] => s.replace(PLACEHOLDER, ' | ').replace(JOINS, '').match(/\d{6,}/g) ?? [];
const compact = (s: string): string => s.replace(PLACEHOLDER, ' | ').replace(/[\s\-./]/g, '');

/** Why the redacted text still shows the identifier, or undefined. */
function leak(sample: Sample, text: string, out: string): string | undefined {
  const id = sample.spelled;
  if (sample.local !== undefined) return out.includes(sample.local) ? `local part ${sample.local}` : undefined;
  const digits = id.replace(/\D/g, '');
  if (digits.length >= 6) {
    const context = new Set(digitRuns(text.replace(id, ' ')));
    for (const run of digitRuns(out)) {
      if (context.has(run)) continue;
      if (digits.includes(run) || run.includes(digits)) return `digit run ${run}`;
    }
  }
  // Letter-bearing identifiers (IBAN, BIC, ID numbers, VAT ids) must not survive in any spacing.
  if (/[A-Z]/.test(id) && !/^(?:серия|№)/.test(id)) {
    const c = compact(id);
    if (compact(out).includes(c)) return `identifier ${c}`;
  }
  return undefined;
}

interface Outcome {
  samples: number;
  leaks: string[];
  contextDamaged: string[];
  restoreFailures: number;
}

function runForm(form: Form, rng: Rng, n: number): { own: Outcome; all: Outcome } {
  const own: Outcome = { samples: 0, leaks: [], contextDamaged: [], restoreFailures: 0 };
  const all: Outcome = { samples: 0, leaks: [], contextDamaged: [], restoreFailures: 0 };
  const single: readonly PackCountry[] = ['RU', 'DE', 'GB', 'US'];
  for (let i = 0; i < n; i++) {
    const made = form.make(rng);
    // Mail converted from HTML often keeps no-break spaces inside numbers.
    const sample = rng.chance(0.1) ? { ...made, spelled: made.spelled.replace(/ /g, '\u00a0') } : made;
    const template = rng.pick(TEMPLATES[form.category]);
    if (sample.local !== undefined && template.includes(sample.local)) continue;
    const [pre, post] = template.split('{X}') as [string, string];
    const text = `${pre}${sample.label}${sample.spelled}${post}`;
    // Generic forms go through each single-country redactor in turn: the generic pack alone must hold them.
    const countries = form.country === '*' ? [single[i % single.length]!] : [form.country];
    for (const [outcome, redactor] of [[own, new Redactor({ countries })], [all, new Redactor()]] as const) {
      outcome.samples++;
      const out = redactor.redact(text);
      const why = leak(sample, text, out);
      if (why) outcome.leaks.push(`${form.id} [${countries.join(',')}|${outcome === all ? 'all' : 'own'}] ${why}: ${JSON.stringify(text)} -> ${JSON.stringify(out)}`);
      if (!out.startsWith(pre) || !out.endsWith(post)) outcome.contextDamaged.push(`${form.id}: ${JSON.stringify(text)} -> ${JSON.stringify(out)}`);
      if (redactor.restore(out) !== text) outcome.restoreFailures++;
    }
  }
  return { own, all };
}

test(`every identifying form in its common spellings is redacted (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const t0 = performance.now();
  let samples = 0;
  const leaks: string[] = [];
  const damaged: string[] = [];
  let restoreFailures = 0;
  const perForm: string[] = [];
  for (const form of FORMS) {
    const { own, all } = runForm(form, rng, PER_FORM);
    samples += own.samples + all.samples;
    leaks.push(...own.leaks, ...all.leaks);
    damaged.push(...own.contextDamaged, ...all.contextDamaged);
    restoreFailures += own.restoreFailures + all.restoreFailures;
    perForm.push(form.id);
  }
  const ms = performance.now() - t0;
  console.log(`redact corpus: ${FORMS.length} forms (${perForm.join(' ')}), ${samples} redactions in ${ms.toFixed(0)} ms; context damaged in ${damaged.length}`);
  if (damaged.length) console.log(damaged.slice(0, 10).join('\n'));
  assert.deepEqual(leaks.slice(0, 20), [], `seed ${SEED}: ${leaks.length} leaks`);
  assert.equal(restoreFailures, 0, `seed ${SEED}: restore did not give back the original text`);
  // The words and numbers around an identifier reach the model as they are.
  assert.ok(damaged.length <= samples * 0.005, `seed ${SEED}: context damaged in ${damaged.length} of ${samples}:\n${damaged.slice(0, 10).join('\n')}`);
});

// ---- dates, amounts and references the model needs ----

const MONTHS_RU = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const MONTHS_DE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function dateOf(r: Rng): string {
  const [y, m, d] = [r.int(2019, 2030), r.int(1, 12), r.int(1, 28)];
  return r.pick([
    `${p2(d)}.${p2(m)}.${y}`, `${d}.${m}.${y}`, `${y}-${p2(m)}-${p2(d)}`, `${p2(d)}/${p2(m)}/${y}`, `${p2(m)}/${p2(d)}/${y}`, `${p2(d)}.${p2(m)}.${String(y).slice(2)}`,
    `${d} ${MONTHS_RU[m - 1]} ${y}`, `${d}. ${MONTHS_DE[m - 1]} ${y}`, `${MONTHS_EN[m - 1]} ${d}, ${y}`, `${y}-${p2(m)}-${p2(d)}T${p2(r.int(0, 23))}:${p2(r.int(0, 59))}:00`,
    `${p2(d)}.${p2(m)}.${y}–${p2(Math.min(28, d + 7))}.${p2(m)}.${y}`, `${p2(d)}.${p2(m)}.${y} - ${p2(Math.min(28, d + 7))}.${p2(m)}.${y}`,
  ]);
}

function thousands(n: number, sep: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function amountOf(r: Rng): string {
  const n = r.pick([r.int(1, 999), r.int(1000, 99999), r.int(100000, 9999999), r.int(10000000, 99999999)]);
  const c = p2(r.int(0, 99));
  return r.pick([
    `${thousands(n, ' ')},${c} руб.`, `${thousands(n, '\u00a0')},${c} ₽`, `${thousands(n, ',')}.${c} USD`, `$${thousands(n, ',')}.${c}`, `${thousands(n, '.')},${c} €`,
    `€ ${thousands(n, '.')},${c}`, `${n}.${c}`, `${thousands(n, ' ')} руб.`, `CHF ${thousands(n, "'")}.${c}`, `${thousands(n, '\u202f')},${c} EUR`, `${n},${c}`,
    `£${thousands(n, ',')}`,
  ]);
}

function referenceOf(r: Rng): string {
  return r.pick([
    `INV-${r.int(2020, 2030)}-${r.int(1, 999)}`, `№ ${r.int(1, 9999)}`, `Счёт № ${r.int(1, 9999)}`, `RE-${r.int(2020, 2030)}-${p2(r.int(0, 99))}${r.digits(4)}`,
    `Rechnung Nr. ${r.int(2020, 2030)}-${r.digits(4)}`, `order ${r.int(1000, 9999)}`, `УПД № ${r.int(1, 500)}`, `${r.int(1, 9999)} шт.`, `${r.int(2, 50)} x ${r.int(10, 500)} Stück`,
    `НДС ${r.pick(['20', '10', '5'])}%`, `${r.int(8, 18)}:${p2(r.int(0, 59))}`, `${r.int(1, 9)} ${r.pick(['pcs', 'шт', 'Stk.'])}`,
  ]);
}

const PLAIN_TEMPLATES: readonly string[] = [
  'Оплата по счёту {R} от {D} на сумму {A}, в т.ч. НДС 20%.',
  'Please pay {A} by {D}, quoting {R}.',
  'Bitte zahlen Sie {A} bis zum {D} ({R}).',
  '{D} {A} Zahlung Nordlicht GmbH {R}',
  '{D};{A};{R}',
  'Срок поставки — {D}; сумма {A}; {R}.',
  'Invoice {R} dated {D}: total {A}, due in 14 days.',
  'Am {D} haben wir {A} erhalten, vielen Dank.',
  'Итого к оплате: {A}. Дата: {D}. Основание: {R}.',
];

test(`ordinary dates, amounts and references survive (seed ${SEED})`, () => {
  const rng = new Rng(SEED ^ 0x5eed);
  const n = PER_FORM * 10;
  const changed: string[] = [];
  for (let i = 0; i < n; i++) {
    const text = rng.pick(PLAIN_TEMPLATES).replace('{D}', dateOf(rng)).replace('{A}', amountOf(rng)).replace('{R}', referenceOf(rng));
    for (const r of [new Redactor({ countries: [rng.pick(['RU', 'DE', 'GB', 'US'] as const)] }), new Redactor()]) {
      const out = r.redact(text);
      if (out !== text) changed.push(`${JSON.stringify(text)} -> ${JSON.stringify(out)}`);
    }
  }
  const rate = changed.length / (2 * n);
  console.log(`redact plain corpus: ${2 * n} redactions of dates/amounts/references, false-positive rate ${(rate * 100).toFixed(2)}%`);
  if (changed.length) console.log(changed.slice(0, 10).join('\n'));
  // Allowed: 0.1% (seen: 0% over 14 seeds of 30 000). Documented limit outside this corpus: an amount of 100 million
  // or more written in groups is redacted on purpose, since it reads like an identifier.
  assert.ok(rate <= 0.001, `seed ${SEED}: ${changed.length} of ${2 * n} plain texts changed:\n${changed.slice(0, 10).join('\n')}`);
});
