// Writes test/fixtures/risk-week/seed-N/: a small Russian business's week, replayed day by day by the
// risk-scan test. Base notes, 90 days of bank history (1C, windows-1251), then seven days of mail, owner
// notes and two bank statements, with exactly eight planted risks (listed in week.json) and ordinary data
// built so that nothing else looks risky: known payees at their usual amounts, invoices paid or not yet
// due, no claim or deadline wording, balances well above the floor but for the planted fall.
// Same bytes on every run: a seeded PRNG (mulberry32), no clock, no Math.random.
//
//   npx tsx scripts/make-risk-week.ts            (seeds 1, 2 and 3)
//   npx tsx scripts/make-risk-week.ts 7          (one seed)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../test/support/rng.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/risk-week');
const NEW_PAYEE_THRESHOLD = 150_000;

// ---------- seeded randomness ----------

class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed * 2654435761); }
  float(): number { return this.next(); }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.next() * xs.length)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  }
  /** `n` distinct items, in a seeded order. */
  sample<T>(xs: readonly T[], n: number): T[] {
    const pool = [...xs];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

// ---------- dates: ISO strings, computed in UTC so no time zone moves them ----------

const DAY_MS = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const addDays = (iso: string, n: number) => isoOf(msOf(iso) + n * DAY_MS);
const weekday = (iso: string) => new Date(msOf(iso)).getUTCDay(); // 0 Sunday
const isWorkday = (iso: string) => weekday(iso) !== 0 && weekday(iso) !== 6;
const dmy = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** The working day on or before `iso`: banks do not pay on weekends. */
function workdayOnOrBefore(iso: string): string {
  let d = iso;
  while (!isWorkday(d)) d = addDays(d, -1);
  return d;
}

const MONTHS_NOM = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
const MONTHS_GEN = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthIndex = (iso: string) => Number(iso.slice(5, 7)) - 1;

// ---------- money: integer kopecks ----------

const rub = (r: number) => Math.round(r * 100);
const money = (k: number) => `${Math.floor(k / 100)}.${String(k % 100).padStart(2, '0')}`;
/** `86 400,00` as Russians write it in a letter. */
function moneyRu(k: number): string {
  const whole = String(Math.floor(k / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${whole},${String(k % 100).padStart(2, '0')}`;
}
/** VAT 20% inside a gross amount, rounded to the kopeck. */
const vatOf = (k: number) => Math.round(k / 6);
/** An invoice total in [lo, hi] roubles with 50 kopecks: history receipts are round thousands, so none matches it by amount. */
const oddAmount = (rng: Rng, lo: number, hi: number) => rub(rng.int(lo, hi)) + 50;

// ---------- the cast ----------

interface Party {
  /** Note name: the short Russian name, which is also inside the bank's `ООО «...»`. */
  name: string;
  legal: string;
  slug: string;
  relationship: 'client' | 'supplier' | 'bank' | 'authority';
  taxId: string;
  accounts: string[];
  bic: string;
  bank: string;
  emails: string[];
  domains: string[];
  contact: string;
  about: string;
  /** What a supplier sells or a client buys, for purposes and mails. */
  goods: string;
}

const BUSINESSES = [
  { name: 'Ладога Декор', slug: 'ladoga-decor', about: 'A small interior decoration workshop in Moscow: curtains, cushions and soft furnishings for cafés, hotels and shops.', goods: 'текстиль' },
  { name: 'Медный Чайник', slug: 'medny-chainik', about: 'A tea and coffee roastery in Moscow supplying cafés and offices, with a small shop of its own.', goods: 'чай и кофе' },
  { name: 'Белый Кит', slug: 'bely-kit', about: 'A small furniture workshop in Moscow: shelves, counters and tables made to order for shops and cafés.', goods: 'мебель' },
  { name: 'Полярная Звезда', slug: 'polyarnaya-zvezda', about: 'A signage and printing shop in Moscow: signs, menus and banners for restaurants and shops.', goods: 'вывески' },
];
const OWNERS = [
  { name: 'Ольга Смирнова', first: 'Ольга', login: 'olga' },
  { name: 'Дмитрий Кузнецов', first: 'Дмитрий', login: 'dmitry' },
  { name: 'Елена Орлова', first: 'Елена', login: 'elena' },
  { name: 'Павел Морозов', first: 'Павел', login: 'pavel' },
];
const SUPPLIERS = [
  { name: 'Техснаб', slug: 'tekhsnab', goods: 'расходные материалы', contact: 'Игорь Петров' },
  { name: 'Упаковка Плюс', slug: 'upakovka-plus', goods: 'упаковку', contact: 'Светлана Ким' },
  { name: 'Лесторг', slug: 'lestorg', goods: 'фанеру и доску', contact: 'Андрей Волков' },
  { name: 'Химпром Сервис', slug: 'khimprom-service', goods: 'краски и лаки', contact: 'Наталья Белова' },
  { name: 'Офис Лайн', slug: 'office-line', goods: 'канцелярские товары', contact: 'Роман Зайцев' },
];
const CLIENTS = [
  { name: 'Кафе Ромашка', slug: 'romashka-cafe', contact: 'Мария Иванова' },
  { name: 'Гастроном Центральный', slug: 'gastronom-central', contact: 'Виктор Соколов' },
  { name: 'Отель Волга', slug: 'hotel-volga', contact: 'Anna Berg' },
  { name: 'Книжный Мир', slug: 'knizhny-mir', contact: 'Ирина Лебедева' },
  { name: 'Фитнес Атлант', slug: 'atlant-fitness', contact: 'Sergey Novak' },
];
const LANDLORDS = [
  { name: 'Бизнес-центр Орион', slug: 'bc-orion', contact: 'Олег Попов' },
  { name: 'Технопарк Сокол', slug: 'technopark-sokol', contact: 'Татьяна Егорова' },
  { name: 'Меридиан Недвижимость', slug: 'meridian-estate', contact: 'Алексей Фролов' },
];
const BANKS = [
  { name: 'Сбербанк', legal: 'ПАО Сбербанк', taxId: '7707083893', bic: '044525225', slug: 'sberbank' },
  { name: 'Альфа-Банк', legal: 'АО «Альфа-Банк»', taxId: '7728168971', bic: '044525593', slug: 'alfabank' },
  { name: 'ТБанк', legal: 'АО «ТБанк»', taxId: '7710140679', bic: '044525974', slug: 'tbank' },
];
const OTHER_BANKS = [
  { legal: 'ПАО «Промсвязьбанк»', bic: '044525555' },
  { legal: 'ПАО «Банк ВТБ»', bic: '044525187' },
  { legal: 'АО «Райффайзенбанк»', bic: '044525700' },
  { legal: 'ПАО «Совкомбанк»', bic: '044525360' },
];
const NEW_PAYEES = ['Вектор Консалт', 'Гарант Инвест', 'Прайм Логистик', 'Альянс Трейд Групп'];
const SERVICE_TITLES = ['Договор на сервисное обслуживание оборудования', 'Договор на вывоз отходов', 'Договор на охрану помещения'];

// ---------- notes ----------

const yamlList = (key: string, xs: readonly string[], quote = false) =>
  xs.length === 0 ? `${key}: []` : `${key}:\n${xs.map((x) => `  - ${quote ? `"${x}"` : x}`).join('\n')}`;

function counterpartyNote(p: Party): string {
  return `---
aios_kind: counterparty
name: ${p.name}
${yamlList('aliases', [p.legal])}
relationship: ${p.relationship}
status: active
${yamlList('emails', p.emails)}
${yamlList('domains', p.domains)}
tax_id: "${p.taxId}"
${yamlList('accounts', p.accounts, true)}
telegram: []
confidential: false
tags:
  - ${p.relationship}
---
# ${p.name}

${p.about}${p.contact ? ` Contact: ${p.contact}.` : ''}
`;
}

interface Contract {
  title: string;
  party: Party;
  number: string;
  signed: string;
  end: string;
  autoRenew: boolean;
  noticeDays: number;
  amount: number;
  about: string;
}

const contractFile = (c: Contract) => `Contracts/${c.party.name} - ${c.title}.md`;
function contractNote(c: Contract): string {
  return `---
aios_kind: contract
title: ${c.title}
counterparty: "[[${c.party.name}]]"
number: "${c.number}"
status: active
signed: ${c.signed}
start: ${c.signed}
end: ${c.end}
auto_renew: ${c.autoRenew}
notice_days: ${c.noticeDays}
amount: ${c.amount}
currency: RUB
confidential: false
tags:
  - contract
---
# ${c.title} with ${c.party.name}

${c.about}
`;
}

interface Invoice { number: string; party: Party; issued: string; due: string; amount: number; about: string }

const invoiceFile = (i: Invoice) => `Invoices/${i.issued} Out ${i.number} ${i.party.name}.md`;
function invoiceNote(i: Invoice): string {
  return `---
aios_kind: invoice
number: "${i.number}"
direction: outgoing
counterparty: "[[${i.party.name}]]"
issued: ${i.issued}
due: ${i.due}
amount: ${money(i.amount)}
currency: RUB
status: open
tags:
  - invoice
---
# Invoice ${i.number} to ${i.party.name}

${i.about}
`;
}

// ---------- bank movements and the 1C file ----------

interface Movement {
  date: string;
  dir: 'in' | 'out';
  party: Party;
  /** The party's account used: one on its note, except for the planted new payee. */
  account: string;
  amount: number;
  purpose: string;
  docType: 'Платежное поручение' | 'Банковский ордер';
  number: string;
}

// Windows-1251: ASCII as is, Cyrillic in two runs, and the few signs a Russian payment text uses.
const CP1251_EXTRA: Record<string, number> = { 'Ё': 0xa8, 'ё': 0xb8, '«': 0xab, '»': 0xbb, '№': 0xb9, '—': 0x97, '–': 0x96 };
function cp1251(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let i = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out[i++] = c;
    else if (c >= 0x410 && c <= 0x44f) out[i++] = c - 0x410 + 0xc0;
    else if (CP1251_EXTRA[ch] !== undefined) out[i++] = CP1251_EXTRA[ch];
    else throw new Error(`no windows-1251 code for "${ch}"`);
  }
  return out.subarray(0, i);
}

interface Statement { from: string; to: string; created: string; opening: number; closing: number; movements: Movement[] }

function oneC(st: Statement, own: Party, bankName: string): Buffer {
  const totalIn = st.movements.filter((m) => m.dir === 'in').reduce((s, m) => s + m.amount, 0);
  const totalOut = st.movements.filter((m) => m.dir === 'out').reduce((s, m) => s + m.amount, 0);
  if (st.opening + totalIn - totalOut !== st.closing) throw new Error('statement does not balance');
  const acct = own.accounts[0]!;
  const lines = [
    '1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', `Отправитель=${bankName}`, `Получатель=${own.legal}`,
    `ДатаСоздания=${dmy(st.created)}`, `ВремяСоздания=05:${String(10 + st.movements.length % 40).padStart(2, '0')}:17`,
    `ДатаНачала=${dmy(st.from)}`, `ДатаКонца=${dmy(st.to)}`, `РасчСчет=${acct}`,
    'СекцияРасчСчет', `ДатаНачала=${dmy(st.from)}`, `ДатаКонца=${dmy(st.to)}`, `РасчСчет=${acct}`,
    `НачальныйОстаток=${money(st.opening)}`, `ВсегоПоступило=${money(totalIn)}`, `ВсегоСписано=${money(totalOut)}`,
    `КонечныйОстаток=${money(st.closing)}`, 'КонецРасчСчет',
  ];
  for (const m of st.movements) {
    const out = m.dir === 'out';
    const payer = out ? { name: own.legal, inn: own.taxId, acct, bank: own.bank, bic: own.bic } : { name: m.party.legal, inn: m.party.taxId, acct: m.account, bank: m.party.bank, bic: m.party.bic };
    const payee = out ? { name: m.party.legal, inn: m.party.taxId, acct: m.account, bank: m.party.bank, bic: m.party.bic } : { name: own.legal, inn: own.taxId, acct, bank: own.bank, bic: own.bic };
    lines.push(
      `СекцияДокумент=${m.docType}`, `Номер=${m.number}`, `Дата=${dmy(m.date)}`, `Сумма=${money(m.amount)}`,
      `ПлательщикСчет=${payer.acct}`, `ДатаСписано=${out ? dmy(m.date) : ''}`,
      `Плательщик=${payer.name}`, `ПлательщикИНН=${payer.inn}`, `Плательщик1=${payer.name}`, `ПлательщикРасчСчет=${payer.acct}`,
      `ПлательщикБанк1=${payer.bank}`, `ПлательщикБИК=${payer.bic}`,
      `ПолучательСчет=${payee.acct}`, `ДатаПоступило=${out ? '' : dmy(m.date)}`,
      `Получатель=${payee.name}`, `ПолучательИНН=${payee.inn}`, `Получатель1=${payee.name}`, `ПолучательРасчСчет=${payee.acct}`,
      `ПолучательБанк1=${payee.bank}`, `ПолучательБИК=${payee.bic}`,
      'ВидОплаты=01', 'Очередность=5', `НазначениеПлатежа=${m.purpose}`, 'КонецДокумента',
    );
  }
  lines.push('КонецФайла');
  return cp1251(lines.join('\r\n') + '\r\n');
}

// ---------- mail ----------

/** RFC 2047 encoded words of at most ~45 bytes of UTF-8 each, folded, when the text is not ASCII. */
function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (Buffer.byteLength(cur + ch) > 45) { words.push(cur); cur = ''; }
    cur += ch;
  }
  if (cur) words.push(cur);
  return words.map((w) => `=?utf-8?b?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

interface Mail {
  day: number;
  slug: string;
  /** Set once the day's mails are numbered in the order they arrived. */
  file: string;
  fromName: string;
  from: string;
  subject: string;
  /** ISO date and `HH:MM` Moscow time. */
  date: string;
  time: string;
  body: string;
  list?: { id: string; unsubscribe: string };
}

function eml(m: Mail, to: { name: string; address: string }, id: string): string {
  const wd = WEEKDAYS_EN[weekday(m.date)]!;
  const dateHeader = `${wd}, ${m.date.slice(8, 10)} ${MONTHS_EN[monthIndex(m.date)]!.slice(0, 3)} ${m.date.slice(0, 4)} ${m.time}:00 +0300`;
  const body64 = Buffer.from(m.body.replace(/\r?\n/g, '\n')).toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
  const headers = [
    `From: ${encodeWords(m.fromName)} <${m.from}>`,
    `To: ${encodeWords(to.name)} <${to.address}>`,
    `Subject: ${encodeWords(m.subject)}`,
    `Date: ${dateHeader}`,
    `Message-ID: <${id}@${m.from.split('@')[1]}>`,
    'MIME-Version: 1.0',
    ...(m.list ? [`List-Unsubscribe: <${m.list.unsubscribe}>`, `List-Id: ${m.list.id}`, 'Precedence: bulk'] : []),
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return headers.join('\r\n') + '\r\n\r\n' + body64 + '\r\n';
}

// ---------- the week ----------

interface Planted { kind: string; day: number; match: string; source: string }

interface Week {
  files: Map<string, string | Buffer>;
  summary: string;
}

function makeWeek(seed: number): Week {
  const rng = new Rng(seed);
  const files = new Map<string, string | Buffer>();
  const put = (path: string, content: string | Buffer) => {
    if (files.has(path)) throw new Error(`two files at ${path}`);
    files.set(path, content);
  };

  // The week: Monday day 1 .. Sunday day 7, between 2026-03-02 and 2026-10-26 (35 Mondays).
  const day1 = addDays('2026-03-02', 7 * rng.int(0, 34));
  const dayIso = (d: number) => addDays(day1, d - 1);
  const day0 = dayIso(0);
  const days = [1, 2, 3, 4, 5, 6, 7].map(dayIso);

  // ----- cast -----
  const biz = rng.pick(BUSINESSES);
  const owner = rng.pick(OWNERS);
  const bankInfo = rng.pick(BANKS);
  const usedInn = new Set<string>();
  const inn = () => {
    for (;;) {
      const s = `77${rng.int(0, 2)}${rng.digits(7)}`;
      if (!usedInn.has(s)) { usedInn.add(s); return s; }
    }
  };
  const usedAcct = new Set<string>();
  const account = (prefix = '40702810') => {
    for (;;) {
      const s = prefix + rng.digits(20 - prefix.length);
      if (!usedAcct.has(s)) { usedAcct.add(s); return s; }
    }
  };
  const otherBank = () => rng.pick(OTHER_BANKS);

  const business: Party = {
    name: biz.name, legal: `ООО «${biz.name}»`, slug: biz.slug, relationship: 'client', taxId: inn(), accounts: [account()],
    bic: bankInfo.bic, bank: bankInfo.legal, emails: [`${owner.login}@${biz.slug}.example`], domains: [`${biz.slug}.example`],
    contact: owner.name, about: biz.about, goods: biz.goods,
  };
  const ownerAddress = business.emails[0]!;
  const firm = (x: { name: string; slug: string; contact: string }, relationship: 'client' | 'supplier', goods: string, about: string): Party => {
    const b = otherBank();
    return {
      name: x.name, legal: `ООО «${x.name}»`, slug: x.slug, relationship, taxId: inn(), accounts: [account()], bic: b.bic, bank: b.legal,
      emails: [`${relationship === 'client' ? 'orders' : 'sales'}@${x.slug}.example`], domains: [`${x.slug}.example`], contact: x.contact, about, goods,
    };
  };
  const suppliers = rng.sample(SUPPLIERS, rng.int(2, 3)).map((s) => firm(s, 'supplier', s.goods, `Supplier (${s.goods}); its invoices are paid within ten days.`));
  const clients = rng.sample(CLIENTS, rng.int(2, 3)).map((c) => firm(c, 'client', biz.goods, `Regular client; orders ${biz.goods} every few weeks and pays by bank transfer.`));
  const landlordInfo = rng.pick(LANDLORDS);
  const landlord = firm(landlordInfo, 'supplier', 'аренда', 'Landlord of our office and workshop; rent monthly by bank transfer.');
  landlord.emails = [`office@${landlordInfo.slug}.example`];
  const bank: Party = {
    name: bankInfo.name, legal: bankInfo.legal, slug: bankInfo.slug, relationship: 'bank', taxId: bankInfo.taxId,
    accounts: [account('30232810'), account('70601810')], bic: bankInfo.bic, bank: bankInfo.legal, emails: [], domains: [],
    contact: '', about: 'Our bank: the RUB current account, the payroll project (salaries go to its transit account) and the monthly service fee.', goods: '',
  };
  const tax: Party = {
    name: 'ФНС России', legal: 'Казначейство России (ФНС России)', slug: 'fns', relationship: 'authority', taxId: '7727406020',
    accounts: ['03100643000000017300'], bic: '017003983', bank: 'ОКЦ № 2 ГУ Банка России по ЦФО//УФК по г. Москве', emails: [], domains: [],
    contact: '', about: 'The tax service: the single tax payment (ЕНП) for payroll taxes and contributions goes to the treasury account.', goods: '',
  };
  const counterparties = [...suppliers, ...clients, landlord, bank, tax];

  // ----- planted days -----
  const a = rng.int(3, 5); // first week statement, dropped on day a, covers days 1..a-1
  const b = rng.int(a + 2, 7); // second, dropped on day b, covers days a..b-1
  const perDay = new Map<number, number>([[a, 2], [b, 1]]);
  const plantDay = () => {
    for (;;) {
      const d = rng.int(1, 7);
      if ((perDay.get(d) ?? 0) < 3) { perDay.set(d, (perDay.get(d) ?? 0) + 1); return d; }
    }
  };
  const dContract = plantDay(), dOverdue = plantDay(), dClaim = plantDay(), dBankChange = plantDay(), dTaxMail = plantDay();
  const planted: Planted[] = [];

  // ----- the recurring schedule -----
  const histFrom = dayIso(1 - 90);
  const s1 = { from: dayIso(1), to: dayIso(a - 1) };
  const s2 = { from: dayIso(a), to: dayIso(b - 1) };
  const s2Workdays = [];
  for (let d = a; d <= b - 1; d++) if (isWorkday(dayIso(d))) s2Workdays.push(dayIso(d));
  if (s2Workdays.length === 0) throw new Error('the second statement covers no working day');
  // One payday and the tax payment fall in the second statement: that is the fall under the floor.
  const payday = rng.pick(s2Workdays);
  const taxDay = rng.pick(s2Workdays);
  const payDom = Number(payday.slice(8, 10));
  const [dom1, dom2] = payDom <= 15 ? [payDom, payDom + 15] : [payDom - 15, payDom];
  const taxDom = Number(taxDay.slice(8, 10));
  const rentDom = rng.int(1, 5);
  const payroll = rub(rng.int(50, 90) * 10_000);
  const rent = rub(rng.int(15, 30) * 10_000);
  const taxBase = Math.round(payroll * 0.3);

  const movements: Movement[] = [];
  let ourNumber = rng.int(200, 600);
  const ourNo = () => String(ourNumber++);
  const pay = (date: string, party: Party, amount: number, purpose: string, docType: Movement['docType'] = 'Платежное поручение', acct = party.accounts[0]!) =>
    movements.push({ date, dir: 'out', party, account: acct, amount, purpose, docType, number: docType === 'Банковский ордер' ? String(rng.int(10000, 99999)) : ourNo() });
  const receive = (date: string, party: Party, amount: number, purpose: string) =>
    movements.push({ date, dir: 'in', party, account: party.accounts[0]!, amount, purpose, docType: 'Платежное поручение', number: String(rng.int(100, 9999)) });
  const lastCovered = s2.to;

  // Month by month over the history and the week: rent, two paydays, tax, the bank fee.
  const monthStarts: string[] = [];
  for (let m = `${histFrom.slice(0, 7)}-01`; m <= lastCovered; m = addDays(m, daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7))))) monthStarts.push(m);
  let registry = rng.int(10, 40);
  for (const m of monthStarts) {
    const y = Number(m.slice(0, 4)), mo = Number(m.slice(5, 7)), dim = daysInMonth(y, mo);
    const at = (dom: number) => workdayOnOrBefore(`${m.slice(0, 8)}${String(Math.min(dom, dim)).padStart(2, '0')}`);
    const inRange = (d: string) => d >= histFrom && d <= lastCovered;
    const prevMonth = MONTHS_GEN[(mo + 10) % 12]!;
    const rentAt = at(rentDom);
    if (inRange(rentAt)) pay(rentAt, landlord, rent, `Арендная плата за ${MONTHS_NOM[mo - 1]} ${y} г. по договору аренды № А-${landlord.taxId.slice(-3)}. НДС не облагается`);
    // The advance is about 40% of the month's pay, the rest comes with the second payday: different sums.
    const p1 = Math.round(payroll * (0.4 + rng.float() * 0.03)), p2 = Math.round(payroll * (0.6 + rng.float() * 0.03));
    const first = at(dom1), second = at(dom2);
    // The first payday settles the previous month, the second pays this month's advance.
    if (inRange(first)) pay(first, bank, p2, `Перечисление заработной платы за вторую половину ${prevMonth} по реестру № ${registry++}. НДС не облагается`);
    if (inRange(second)) pay(second, bank, p1, `Перечисление заработной платы за первую половину ${MONTHS_GEN[mo - 1]} ${y} г. по реестру № ${registry++}. НДС не облагается`);
    const taxAt = at(taxDom);
    if (inRange(taxAt)) pay(taxAt, tax, Math.round(taxBase * (0.97 + rng.float() * 0.06)), `Единый налоговый платеж за ${MONTHS_NOM[mo - 1]} ${y} г. НДС не облагается`);
    const feeAt = at(dim);
    if (inRange(feeAt)) pay(feeAt, bank, rub(rng.int(149, 349) * 10), `Комиссия за обслуживание счета за ${MONTHS_NOM[mo - 1]} ${y} г.`, 'Банковский ордер', bank.accounts[1]!);
  }

  // Suppliers invoice every 9-16 days and are paid 3-7 days later; their amounts stay in one band each.
  let invoiceNo = rng.int(120, 480);
  const supplierBase = new Map(suppliers.map((s) => [s, rng.int(60, 160) * 1000]));
  const supplierAmount = (s: Party) => rub(Math.round((supplierBase.get(s)! * (0.85 + rng.float() * 0.3)) / 10) * 10);
  const supplierPurpose = (no: number, issued: string, s: Party, amount: number, spelling = 'счету') =>
    `Оплата по ${spelling} № ${no} от ${dmy(issued)} за ${s.goods}, в т.ч. НДС 20% ${money(vatOf(amount))}`;
  const dupSupplier = rng.pick(suppliers);
  const historyAmounts = new Map<Party, number[]>();
  for (const s of suppliers) {
    for (let issued = addDays(histFrom, rng.int(-10, 0)); ; issued = addDays(issued, rng.int(9, 16))) {
      const paid = workdayOnOrBefore(addDays(issued, rng.int(3, 7)));
      if (paid > day0 && (paid > s1.to || s === dupSupplier)) break; // the week's supplier payments are placed below
      if (paid < histFrom) continue;
      const amount = supplierAmount(s), no = invoiceNo++;
      pay(paid, s, amount, supplierPurpose(no, issued, s, amount));
      historyAmounts.set(s, [...(historyAmounts.get(s) ?? []), amount]);
    }
  }
  // In the week a supplier is paid inside the band its history shows, so no amount looks unusual.
  const usualAmount = (s: Party) => {
    const h = historyAmounts.get(s) ?? [];
    if (h.length < 2) throw new Error(`seed ${seed}: ${s.name} has too little history`);
    const lo = Math.min(...h), hi = Math.max(...h);
    return lo + Math.round((rng.float() * (hi - lo)) / rub(10)) * rub(10);
  };

  // Week statement 1: the planted duplicate (one invoice paid twice, a day apart) and the new payee.
  const s1Workdays: string[] = [];
  for (let d = 1; d <= a - 1; d++) if (isWorkday(dayIso(d))) s1Workdays.push(dayIso(d));
  const dupFirst = s1Workdays[rng.int(0, s1Workdays.length - 2)]!;
  const dupSecond = addDays(dupFirst, rng.int(1, Math.min(2, daysBetweenIso(dupFirst, s1.to))));
  const dupAmount = usualAmount(dupSupplier), dupNo = invoiceNo++, dupIssued = addDays(dupFirst, -rng.int(4, 8));
  pay(dupFirst, dupSupplier, dupAmount, supplierPurpose(dupNo, dupIssued, dupSupplier, dupAmount));
  pay(dupSecond, dupSupplier, dupAmount, supplierPurpose(dupNo, dupIssued, dupSupplier, dupAmount, rng.pick(['счёту', 'счету'])));
  planted.push({ kind: 'duplicate_payment', day: a, match: dupSupplier.name, source: statementFile(a, s1.from, s1.to) });

  const newName = rng.pick(NEW_PAYEES);
  const nb = otherBank();
  const newPayee: Party = {
    name: newName, legal: `ООО «${newName}»`, slug: 'new', relationship: 'supplier', taxId: inn(), accounts: [account()], bic: nb.bic, bank: nb.legal,
    emails: [], domains: [], contact: '', about: '', goods: '',
  };
  const unusual = rub(rng.int(38, 56) * 10_000);
  pay(rng.pick(s1Workdays), newPayee, unusual, `Оплата по договору № ${rng.int(10, 99)}/К от ${dmy(addDays(day1, -rng.int(2, 9)))} за консультационные услуги. НДС не облагается`);
  planted.push({ kind: 'unusual_payment', day: a, match: newName, source: statementFile(a, s1.from, s1.to) });

  // Ordinary supplier payments in statement 2, to suppliers other than the duplicated one.
  for (const s of suppliers) {
    if (s === dupSupplier) continue;
    if (rng.float() < 0.6) {
      const issued = addDays(s2.from, -rng.int(5, 9)), amount = usualAmount(s), no = invoiceNo++;
      pay(rng.pick(s2Workdays), s, amount, supplierPurpose(no, issued, s, amount));
    }
  }

  // Client receipts: one or two in statement 1, none in statement 2 (the fall stays a fall).
  let clientInvoice = rng.int(1000, 3000);
  const clientPurpose = (no: number, issued: string, c: Party) => `Оплата по счету № ${no} от ${dmy(issued)} за ${c.goods}, в т.ч. НДС 20%`;
  for (let k = rng.int(1, 2); k > 0; k--) {
    const c = rng.pick(clients), no = clientInvoice++;
    receive(rng.pick(s1Workdays), c, rub(rng.int(40, 160) * 1000), clientPurpose(no, addDays(day1, -rng.int(7, 14)), c));
  }

  // ----- balances: the floor from the second statement's fall, the history's receipts to fit -----
  const sumWhere = (from: string, to: string, dir: 'in' | 'out') =>
    movements.filter((m) => m.dir === dir && m.date >= from && m.date <= to).reduce((s, m) => s + m.amount, 0);
  const drop2 = sumWhere(s2.from, s2.to, 'out') - sumWhere(s2.from, s2.to, 'in');
  const floor = Math.floor(drop2 / 0.8 / rub(50_000)) * rub(50_000);
  if (floor < rub(200_000)) throw new Error(`seed ${seed}: the second statement's fall is too small (${money(drop2)})`);
  const closing2 = floor - Math.round((floor * rng.int(12, 25)) / 100) - rng.int(0, 99); // 12-25% under the floor
  const closing1 = closing2 + drop2;
  const closing0 = closing1 - (sumWhere(s1.from, s1.to, 'in') - sumWhere(s1.from, s1.to, 'out'));
  // Runway (cash / mean monthly net outflow over 90 days) after the fall stays above 3 months: the balance
  // 90 days before any day b..7 stays under 1.35 x floor. Receipts come only from day -82 on, so that
  // balance is the opening less the early payments.
  const receiptsFrom = dayIso(-82);
  const earlyOut = sumWhere(histFrom, dayIso(b - 90), 'out');
  const opening = Math.round(floor * 1.35) - (Math.round(floor * 1.35) % 100) + earlyOut;
  const histOut = sumWhere(histFrom, day0, 'out');
  const histIn = closing0 - opening + histOut;
  // History receipts: client invoices paid through the 90 days, weights seeded, the last absorbs rounding.
  const receiptDays: string[] = [];
  for (let d = receiptsFrom; d <= day0; d = addDays(d, 1)) if (isWorkday(d) && rng.float() < 0.3) receiptDays.push(d);
  const weights = receiptDays.map(() => 0.5 + rng.float());
  const wsum = weights.reduce((s, w) => s + w, 0);
  let left = histIn;
  receiptDays.forEach((d, i) => {
    const amount = i === receiptDays.length - 1 ? left : Math.round((histIn * weights[i]!) / wsum / rub(1000)) * rub(1000);
    left -= amount;
    const c = clients[i % clients.length]!;
    receive(d, c, amount, clientPurpose(clientInvoice++, addDays(d, -rng.int(7, 14)), c));
  });
  movements.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));

  const statementOf = (from: string, to: string, created: string, open: number): Statement => {
    const ms = movements.filter((m) => m.date >= from && m.date <= to);
    const close = open + ms.reduce((s, m) => s + (m.dir === 'in' ? m.amount : -m.amount), 0);
    return { from, to, created, opening: open, closing: close, movements: ms };
  };
  const hist = statementOf(histFrom, day0, day0, opening);
  const st1 = statementOf(s1.from, s1.to, dayIso(a), hist.closing);
  const st2 = statementOf(s2.from, s2.to, dayIso(b), st1.closing);
  checkStatements(seed, [hist, st1, st2], floor, closing2, movements, dupSupplier, receiptDays.length, days);
  // The item's title states the cash total (`Cash 787499.65 RUB is below the floor ...`): the closing is the match.
  planted.push({ kind: 'low_cash', day: b, match: money(st2.closing), source: statementFile(b, s2.from, s2.to) });

  const bankName = `${bankInfo.legal.replace(/^(ПАО|АО) /, '').replace(/[«»]/g, '')} Бизнес`;
  put(statementFile(0, hist.from, hist.to), oneC(hist, business, bankName));
  put(statementFile(a, st1.from, st1.to), oneC(st1, business, bankName));
  put(statementFile(b, st2.from, st2.to), oneC(st2, business, bankName));

  // ----- base notes -----
  const lastDay = dayIso(7);
  put('base/Business/Business profile.md', `---
aios_kind: business_profile
name: ${business.name}
legal_name: ${business.legal}
tax_id: "${business.taxId}"
country: RU
base_currency: RUB
owner_name: ${owner.name}
own_accounts:
  - "${business.accounts[0]}"
fiscal_year_start: 01-01
tags:
  - business
---
# ${business.name}

${biz.about} ${owner.name} owns the business and makes every money decision.

## How the work runs
- **Orders** arrive by mail; clients pay invoices by bank transfer.
- **Suppliers** (${suppliers.map((s) => `[[${s.name}]]`).join(', ')}) are paid within ten days of their invoice.
- **Month**: rent to [[${landlord.name}]] early in the month, salaries twice a month through the [[${bank.name}]] payroll project, the single tax payment monthly.

## Where the data lives
| what | where | how it arrives |
| --- | --- | --- |
| Mail | ${ownerAddress} | dropped \`.eml\` files in \`Import/\` |
| Bank, RUB | ${bankInfo.legal}, account ${business.accounts[0]} | 1C statement (1CClientBankExchange) dropped into \`Import/\` |

## Who decides
- ${owner.first} decides payments, contracts, prices and anything in the decision queue.
`);
  for (const p of counterparties) put(`base/Counterparties/${p.name}.md`, counterpartyNote(p));

  // Contracts far from the week: ends 120-400 days after it, notice deadlines well past 45 days.
  const farContract = (title: string, party: Party, about: string, prefix: string): Contract => {
    const end = addDays(lastDay, rng.int(120, 400));
    const noticeDays = rng.pick([30, 60]);
    return { title, party, number: `${prefix}-${rng.int(2023, 2025)}/${rng.int(1, 40)}`, signed: addDays(end, -rng.pick([365, 730])), end, autoRenew: rng.float() < 0.5, noticeDays, amount: rub(rng.int(5, 30) * 100_000) / 100, about };
  };
  const baseContracts = [
    farContract('Договор аренды', landlord, `Office and workshop lease; rent ${moneyRu(rent)} RUB a month.`, 'А'),
    ...suppliers.map((s) => farContract('Договор поставки', s, `Supply of ${s.goods}; invoices paid within ten days.`, 'П')),
    farContract('Договор оказания услуг', clients[0]!, `We supply ${biz.goods} to order; the client pays each invoice by bank transfer.`, 'У'),
  ].slice(0, 5);
  for (const c of baseContracts) put(`base/${contractFile(c)}`, contractNote(c));

  // Open invoices to clients, issued late in the history and due after the week.
  for (let k = 0; k < 2; k++) {
    const c = clients[k]!, issued = addDays(day1, -rng.int(3, 8));
    const inv: Invoice = { number: String(clientInvoice++), party: c, issued, due: addDays(lastDay, rng.int(3, 10)), amount: oddAmount(rng, 30_000, 120_000), about: `${biz.goods} to order. Price includes VAT 20%.` };
    put(`base/${invoiceFile(inv)}`, invoiceNote(inv));
  }

  // ----- owner notes of the week -----
  // Planted: an auto-renewing contract whose notice deadline is ten days after the day it appears.
  const noticeDays = rng.pick([30, 45, 60]);
  const serviceParty = rng.pick([landlord, ...suppliers]);
  const serviceTitle = rng.pick(SERVICE_TITLES);
  const endNotice = addDays(dayIso(dContract), 10 + noticeDays);
  const planContract: Contract = { title: serviceTitle, party: serviceParty, number: `СО-${rng.int(1, 99)}`, signed: addDays(endNotice, -365), end: endNotice, autoRenew: true, noticeDays, amount: rub(rng.int(6, 24) * 10_000) / 100, about: `Renews for a year unless either side gives notice ${noticeDays} days before the end.` };
  put(`day-${dContract}/notes/${contractFile(planContract)}`, contractNote(planContract));
  planted.push({ kind: 'contract_notice', day: dContract, match: serviceTitle, source: `day-${dContract}/notes/${contractFile(planContract)}` });

  // Planted: our invoice to a client, due fifteen days before the day it appears, never paid.
  const overdueClient = rng.pick(clients);
  const overdueDue = addDays(dayIso(dOverdue), -15);
  const overdue: Invoice = { number: String(clientInvoice++), party: overdueClient, issued: addDays(overdueDue, -14), due: overdueDue, amount: oddAmount(rng, 40_000, 200_000), about: `${biz.goods} delivered in full. Price includes VAT 20%.` };
  put(`day-${dOverdue}/notes/${invoiceFile(overdue)}`, invoiceNote(overdue));
  planted.push({ kind: 'invoice_overdue', day: dOverdue, match: overdue.number, source: `day-${dOverdue}/notes/${invoiceFile(overdue)}` });

  // Ordinary: new invoices to clients on two or three days, due two weeks later.
  for (const d of rng.sample([1, 2, 3, 4, 5, 6, 7], rng.int(2, 3))) {
    const c = rng.pick(clients), issued = dayIso(d - 1);
    const inv: Invoice = { number: String(clientInvoice++), party: c, issued, due: addDays(issued, 14), amount: oddAmount(rng, 25_000, 150_000), about: `${biz.goods} to order. Price includes VAT 20%.` };
    put(`day-${d}/notes/${invoiceFile(inv)}`, invoiceNote(inv));
  }
  // Ordinary: a new supply contract with a client, a year long.
  {
    const d = rng.int(1, 7), c = clients[clients.length - 1]!;
    const signed = dayIso(d - 1);
    const ct: Contract = { title: 'Договор поставки продукции', party: c, number: `ПП-${rng.int(1, 60)}`, signed, end: addDays(signed, 365), autoRenew: false, noticeDays: 30, amount: rub(rng.int(5, 20) * 100_000) / 100, about: `Supply of our ${biz.goods} to order for a year; each delivery invoiced and paid by bank transfer.` };
    put(`day-${d}/notes/${contractFile(ct)}`, contractNote(ct));
  }

  // ----- mail -----
  const to = { name: owner.name, address: ownerAddress };
  const mails: Mail[] = [];
  const plantedMails: [Planted, Mail][] = [];
  /** A mail dropped on day `d`: sent the day before in office hours, or now and then early on day `d` itself. */
  const addMail = (d: number, m: Omit<Mail, 'day' | 'date' | 'time' | 'file'>, early = rng.float() < 0.15): Mail => {
    const date = early ? dayIso(d) : dayIso(d - 1);
    const time = early ? `0${rng.int(0, 5)}:${String(rng.int(0, 59)).padStart(2, '0')}` : `${String(rng.int(9, 19)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
    const mail: Mail = { ...m, day: d, date, time, file: '' };
    mails.push(mail);
    return mail;
  };

  // Planted: a client's claim with a penalty and court, no deadline wording.
  const claimClient = rng.pick(clients);
  const claimRu = rng.float() < 0.5;
  const claimNo = clientInvoice - rng.int(5, 20);
  const claimSrc = addMail(dClaim, claimRu ? {
    slug: 'claim', fromName: `${claimClient.contact}, ${claimClient.name}`, from: claimClient.emails[0]!,
    subject: `Претензия по поставке по счёту № ${claimNo}`,
    body: `Уважаемая компания ${business.legal}!\n\nНаправляем претензию: ${biz.goods} по счёту № ${claimNo} поставлены с опозданием, часть партии с браком.\nТребуем уплатить неустойку в размере ${moneyRu(rub(rng.int(20, 60) * 1000))} руб. по условиям договора.\nВ случае отказа будем вынуждены обратиться в суд.\n\n${claimClient.contact}\n${claimClient.legal}\n`,
  } : {
    slug: 'claim', fromName: `${claimClient.contact}, ${claimClient.name}`, from: claimClient.emails[0]!,
    subject: `Formal claim: order under invoice ${claimNo}`,
    body: `Dear ${owner.name},\n\nThis is a formal claim regarding the ${biz.goods} delivered under invoice ${claimNo}: the delivery was late and part of it was defective.\nUnder our contract we demand a penalty of ${moneyRu(rub(rng.int(20, 60) * 1000))} RUB. If it is not paid, we will go to court.\n\nRegards,\n${claimClient.contact}\n${claimClient.legal}\n`,
  });
  plantedMails.push([{ kind: 'claim', day: dClaim, match: claimClient.name, source: '' }, claimSrc]);

  // Planted: a known supplier, from its own address, announcing a new account and BIC.
  const changer = rng.pick(suppliers);
  const changedBank = otherBank();
  const changedAcct = account();
  const changeSrc = addMail(dBankChange, {
    slug: 'bank-details', fromName: `${changer.contact}, ${changer.legal}`, from: changer.emails[0]!,
    subject: 'Изменение банковских реквизитов',
    body: `Добрый день!\n\nСообщаем об изменении банковских реквизитов ${changer.legal} (ИНН ${changer.taxId}).\nНовые реквизиты для оплаты: р/с ${changedAcct}, ${changedBank.legal}, БИК ${changedBank.bic}.\nПросим оплачивать наши счета по новым реквизитам.\n\nС уважением,\n${changer.contact}\n${changer.legal}\n`,
  });
  plantedMails.push([{ kind: 'bank_details_changed', day: dBankChange, match: changer.name, source: '' }, changeSrc]);

  // Planted: the tax office asks for explanations, five working days, a dated deadline.
  const ifns = rng.int(2, 36);
  const taxMailSrc = addMail(dTaxMail, {
    slug: 'ifns-request', fromName: `ИФНС России № ${ifns} по г. Москве`, from: `ifns-${ifns}@nalog.example`,
    subject: `ИФНС России № ${ifns}: требование о представлении пояснений`,
    body: `${business.legal}, ИНН ${business.taxId}.\n\nНа основании статьи 88 НК РФ просим в течение 5 рабочих дней представить пояснения к налоговой декларации по НДС за ${rng.int(1, 2)} квартал ${day1.slice(0, 4)} года.\nПояснения представить не позднее ${dmy(addDays(dayIso(dTaxMail - 1), rng.int(7, 10)))} через оператора электронного документооборота.\n\nИФНС России № ${ifns} по г. Москве\n`,
  }, false);
  plantedMails.push([{ kind: 'mail_deadline', day: dTaxMail, match: 'ИФНС', source: '' }, taxMailSrc]);

  // Ordinary mail: orders, confirmations, questions, supplier invoices due after the week, newsletters.
  const products = ['партию', 'пробную партию', 'повторный заказ'];
  let orderNo = rng.int(300, 900);
  let supplierInvoiceNo = invoiceNo + 50;
  const ordinary: ((d: number) => void)[] = [
    (d) => { const c = rng.pick(clients); addMail(d, { slug: 'order', fromName: `${c.contact}, ${c.name}`, from: c.emails[0]!, subject: `Заказ: ${rng.pick(products)} (${biz.goods})`, body: `Добрый день!\n\nХотим заказать ${rng.pick(products)}: ${biz.goods}, ${rng.int(5, 60)} единиц, как в прошлый раз.\nПришлите, пожалуйста, счёт.\n\nС уважением,\n${c.contact}\n` }); },
    (d) => { const c = rng.pick(clients); addMail(d, { slug: 'question', fromName: `${c.contact}, ${c.name}`, from: c.emails[0]!, subject: 'Question about the next order', body: `Hello ${owner.first},\n\nCould you send us photos of the samples you mentioned last week? We are planning the next order and would like to compare two options.\n\nThanks,\n${c.contact}\n` }); },
    (d) => { const s = rng.pick(suppliers); addMail(d, { slug: 'shipment', fromName: `${s.contact}, ${s.name}`, from: s.emails[0]!, subject: `Отгрузка по заказу № ${orderNo++}`, body: `Добрый день!\n\nПодтверждаем отгрузку по вашему заказу № ${orderNo - 1}: ${s.goods}. Машина будет у вас в ${rng.pick(['понедельник', 'среду', 'четверг', 'пятницу'])} во второй половине дня.\n\n${s.contact}\n${s.legal}\n` }); },
    (d) => {
      const s = rng.pick(suppliers), issued = dayIso(d - 1), amount = supplierAmount(s), no = supplierInvoiceNo++;
      addMail(d, { slug: 'invoice', fromName: `${s.contact}, ${s.name}`, from: s.emails[0]!, subject: `Счёт № ${no} от ${dmy(issued)}`, body: `Добрый день!\n\nНаправляем счёт № ${no} от ${dmy(issued)} на оплату: ${s.goods}.\nСумма: ${moneyRu(amount)} руб., в т.ч. НДС 20% ${moneyRu(vatOf(amount))} руб.\nСрок оплаты: ${dmy(addDays(issued, 10))}.\n\nС уважением,\n${s.contact}\n${s.legal}\n` });
    },
    (d) => { const c = rng.pick(clients); addMail(d, { slug: 'thanks', fromName: `${c.contact}, ${c.name}`, from: c.emails[0]!, subject: 'Спасибо за доставку', body: `${owner.first}, добрый день!\n\nВсё получили, спасибо. Коллегам понравилось, скоро напишем про следующий заказ.\n\n${c.contact}\n` }); },
    (d) => { addMail(d, { slug: 'newsletter', fromName: 'Деловой квартал', from: 'news@delovoy-kvartal.example', subject: `Деловой квартал: новости недели`, body: `Новости для малого бизнеса: как выбрать помещение под мастерскую, обзор выставок сезона и интервью с владельцами кофеен.\n\nЧитать онлайн: https://delovoy-kvartal.example/issues/${rng.int(100, 300)}\n\nВы получили это письмо, потому что подписались на рассылку.\n`, list: { id: 'Деловой квартал <weekly.delovoy-kvartal.example>', unsubscribe: 'https://delovoy-kvartal.example/unsubscribe' } }); },
    (d) => { const start = dayIso(d + rng.int(3, 6)); addMail(d, { slug: 'newsletter', fromName: 'Market Weekly', from: 'hello@marketweekly.example', subject: `Seasonal sale starts ${Number(start.slice(8, 10))} ${MONTHS_EN[monthIndex(start)]}`, body: `Our seasonal sale runs from ${Number(start.slice(8, 10))} ${MONTHS_EN[monthIndex(start)]} for one week: tools, storage and shop fittings at lower prices.\n\nSee the catalogue: https://marketweekly.example/sale\n\nYou receive this because you subscribed at marketweekly.example.\n`, list: { id: 'Market Weekly <news.marketweekly.example>', unsubscribe: 'https://marketweekly.example/unsubscribe' } }); },
    (d) => { addMail(d, { slug: 'colleague', fromName: landlord.contact, from: landlord.emails[0]!, subject: 'Плановые работы в здании', body: `Добрый день!\n\nВ ${rng.pick(['субботу', 'воскресенье'])} в здании будут плановые работы на лифтах, грузовой лифт работать не будет. Остальное как обычно.\n\n${landlord.contact}\n${landlord.legal}\n` }); },
  ];
  for (let d = 1; d <= 7; d++) {
    // Different kinds of mail each day, three to six of them.
    for (const make of rng.sample(ordinary, rng.int(3, 6))) make(d);
  }
  // Each day's mails numbered in the order they arrived.
  for (let d = 1; d <= 7; d++) {
    const list = mails.filter((m) => m.day === d).sort((x, y) => (`${x.date} ${x.time}` < `${y.date} ${y.time}` ? -1 : `${x.date} ${x.time}` > `${y.date} ${y.time}` ? 1 : 0));
    list.forEach((m, i) => {
      const n = String(i + 1).padStart(2, '0');
      m.file = `day-${d}/import/${n}-${m.slug}.eml`;
      put(m.file, eml(m, to, `rw${seed}.d${d}.${n}.${m.slug}`));
    });
  }
  for (const [p, m] of plantedMails) planted.push({ ...p, source: m.file });

  // ----- week.json and the README line -----
  planted.sort((x, y) => x.day - y.day || x.kind.localeCompare(y.kind));
  const week = {
    seed, timezone: 'Europe/Moscow', base_currency: 'RUB', day0, days,
    env: { AIOS_RISK_CASH_FLOOR: money(floor).replace(/\.00$/, ''), AIOS_RISK_NEW_PAYEE_AMOUNT: String(NEW_PAYEE_THRESHOLD) },
    business: { name: business.name, tax_id: business.taxId, account: business.accounts[0], email: ownerAddress },
    statements: [
      { day: 0, from: hist.from, to: hist.to, opening: money(hist.opening), closing: money(hist.closing) },
      { day: a, from: st1.from, to: st1.to, opening: money(st1.opening), closing: money(st1.closing) },
      { day: b, from: st2.from, to: st2.to, opening: money(st2.opening), closing: money(st2.closing) },
    ],
    planted,
  };
  put('week.json', JSON.stringify(week, null, 2) + '\n');
  const summary = `seed ${seed}: day 1 ${day1}, statements on days ${a} and ${b}, floor ${money(floor)}, closings ${money(hist.closing)} / ${money(st1.closing)} / ${money(st2.closing)}; planted ${planted.map((p) => `${p.kind}@${p.day}`).join(', ')}`;
  return { files, summary };
}

/** A statement's own name, so the archive never holds two files of one name. */
const statementFile = (day: number, from: string, to: string) => `day-${day}/import/${from} to ${to} RUB 1C.txt`;

function daysBetweenIso(a: string, b: string): number {
  return Math.round((msOf(b) - msOf(a)) / DAY_MS);
}

/**
 * The promises the test relies on, checked on the generated data: balances add up and stay above the
 * floor but for the planted fall, runway stays above 3 months on every day, no accidental duplicate.
 */
function checkStatements(seed: number, sts: Statement[], floor: number, closing2: number, all: Movement[], dupSupplier: Party, receipts: number, days: string[]): void {
  const [hist, st1, st2] = sts as [Statement, Statement, Statement];
  const fail = (why: string) => { throw new Error(`seed ${seed}: ${why}`); };
  if (st2.closing !== closing2) fail(`second closing ${money(st2.closing)} is not the planned ${money(closing2)}`);
  if (st2.closing >= floor) fail('the second statement does not fall under the floor');
  for (const s of [hist, st1]) if (s.closing < floor * 1.5) fail(`closing ${money(s.closing)} is not well above the floor ${money(floor)}`);
  if (receipts < 8) fail('too few receipts in the history');
  for (const m of all) if (m.amount <= 0) fail(`a movement of ${money(m.amount)} on ${m.date}`);
  // Running balance of the history stays positive, and of the week above the floor until the fall.
  let bal = hist.opening;
  for (const m of hist.movements) { bal += m.dir === 'in' ? m.amount : -m.amount; if (bal < floor * 0.3) fail(`history balance ${money(bal)} on ${m.date}`); }
  // Same payee, same amount, within 10 days: only the planted pair.
  const outs = all.filter((m) => m.dir === 'out');
  let pairs = 0;
  for (let i = 0; i < outs.length; i++) for (let j = i + 1; j < outs.length; j++) {
    const x = outs[i]!, y = outs[j]!;
    if (x.party === y.party && x.amount === y.amount && Math.abs(daysBetweenIso(x.date, y.date)) <= 10) {
      if (x.party !== dupSupplier) fail(`accidental duplicate to ${x.party.name} on ${x.date}`);
      pairs++;
    }
  }
  if (pairs !== 1) fail(`${pairs} duplicate pairs`);
  // Runway as companion/statements/cash.ts computes it: flows dated in (today-90, today], balance of the latest statement.
  for (let d = 0; d <= 7; d++) {
    const today = d === 0 ? addDays(days[0]!, -1) : days[d - 1]!;
    const known = sts.filter((s) => s.created <= today);
    const cash = known[known.length - 1]!.closing;
    const from = addDays(today, -90);
    let net = 0;
    for (const s of known) for (const m of s.movements) if (m.date > from && m.date <= today) net += m.dir === 'out' ? m.amount : -m.amount;
    if (net > 0 && (cash / (net / 3)) < 3.5) fail(`runway ${(cash / (net / 3)).toFixed(1)} months on day ${d}`);
  }
}

function main(): void {
  const args = process.argv.slice(2).map(Number);
  const seeds = args.length > 0 ? args : [1, 2, 3];
  for (const seed of seeds) {
    if (!Number.isInteger(seed) || seed < 1) throw new Error(`not a seed: ${seed}`);
    const { files, summary } = makeWeek(seed);
    const dir = join(OUT, `seed-${seed}`);
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of [...files].sort(([x], [y]) => (x < y ? -1 : 1))) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    console.log(summary);
  }
}

main();
