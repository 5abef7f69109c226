// Before any cloud call, identifiers are replaced by placeholders: IBANs, account and card numbers,
// tax and ID numbers, bank codes, e-mail addresses, phone numbers. The same value always gets the same
// placeholder within one call, and placeholders in the answer are mapped back to the real values.
//
// The patterns come in packs: a generic pack (e-mail incl. internationalised and obfuscated addresses,
// IBAN, card numbers, international phones, SWIFT BIC, labelled accounts, and a last-resort catch of
// any long digit group) and one pack per country for its local spellings (phones, tax ids, ID numbers,
// bank codes). Over-redacting a harmless number is cheaper than leaking an account, so the patterns are
// broad; only ordinary dates and money amounts are protected (and the prompt's own data delimiters),
// and only just before the last-resort digit catch, after every specific pattern has had its turn.
//
// SWIFT BIC choice: an upper-case 8/11-character code is a BIC when it follows a BIC/SWIFT label, or
// when it has the strict shape (4 letters, a real ISO country, 2 location and optional 3 branch
// characters) and also a digit, an `XXX` branch, or a bank word nearby. A bare all-letter word such as
// BUSINESS has the shape too (BUSI-NE-SS), so without that evidence it is left alone.

export type RedactionKind = 'IBAN' | 'CARD' | 'ACCOUNT' | 'TAX_ID' | 'EMAIL' | 'PHONE' | 'BIC' | 'ID' | 'NUMBER';
const KINDS: readonly RedactionKind[] = ['IBAN', 'CARD', 'ACCOUNT', 'TAX_ID', 'EMAIL', 'PHONE', 'BIC', 'ID', 'NUMBER'];

/** Countries with their own pack; other countries get the generic pack (or all packs when none of theirs is known). */
export const PACK_COUNTRIES = ['RU', 'DE', 'GB', 'US'] as const;
export type PackCountry = (typeof PACK_COUNTRIES)[number];

export interface Redaction {
  text: string;
  /** placeholder -> original value */
  map: Map<string, string>;
}

export interface RedactorOptions {
  /**
   * ISO codes of the business's own countries: the generic pack plus these countries' packs apply.
   * None given, or none with a pack, means every pack (the safe side).
   */
  countries?: readonly string[] | undefined;
}

type Verdict = RedactionKind | 'KEEP' | null;
interface MatchContext {
  /** Up to 80 characters before / after the match, placeholders included. */
  before(): string;
  after(): string;
}
interface Rule {
  /** Lower runs first, across all packs. */
  order: number;
  re: RegExp;
  /** A kind, `KEEP` (protect the span from later rules), or null (leave it to later rules). */
  verdict: Verdict | ((m: string, ctx: MatchContext) => Verdict);
  /** After a rejected match, look again one character on (a real match may start inside it); else skip the span. */
  retry?: boolean;
}

// ---- building blocks ----

const SP = String.raw`[ \t\u00a0\u202f]`;
const DASH = String.raw`[\-\u2010-\u2015]`;
const NB = String.raw`(?<![\p{L}\p{N}])`; // no letter or digit before
const NA = String.raw`(?![\p{L}\p{N}])`; // no letter or digit after
// A structured number takes a whole digit group run or nothing: the rest of a run it split would slip
// under the last-resort length threshold, so such runs are left whole to that rule.
const DGB = String.raw`(?<![\p{N}+][ \u00a0.\-/]?)`;
const DGE = String.raw`(?![ \u00a0.,\-/]?\p{N})`;
const rx = (src: string, flags = 'gu'): RegExp => new RegExp(src, flags);
const digitCount = (s: string): number => s.replace(/\D/g, '').length;

const ISO_COUNTRIES = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH ' +
    'CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN ' +
    'GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI ' +
    'LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM ' +
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD ' +
    'TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW').split(' '),
);

// E-mail: Unicode local parts and domains (анна@пример.рф, info@bücher.de), punycode TLDs.
const LCH = String.raw`[\p{L}\p{M}\p{N}_%+\-]`;
const LOCAL = String.raw`${LCH}+(?:\.${LCH}+)*`;
const LABEL = String.raw`[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?`;
const TLD = String.raw`(?:\p{L}{2,}|xn--[a-z0-9\-]+)`;
const LOCAL_START = String.raw`(?<![\p{L}\p{M}\p{N}_%+.\-])`;
const OPEN = String.raw`[\[\(\{<]`;
const CLOSE = String.raw`[\]\)\}>]`;
// "[at]", "(at)", "(a)", "[@]", "{at}", " @ ", "&#64;", "%40"; "[dot]", "(.)", " dot ", "punkt", "точка".
const AT_SYMBOLIC = String.raw`(?:${SP}*${OPEN}${SP}*(?:at|ат|a|@|собака)${SP}*${CLOSE}${SP}*|${SP}*(?:@|＠|&#0*64;|%40)${SP}*)`;
const AT_WORD = String.raw`${SP}+(?:at|собака)${SP}+`;
const DOT = String.raw`(?:${SP}*${OPEN}${SP}*(?:dot|punkt|точка|\.)${SP}*${CLOSE}${SP}*|${SP}+(?:dot|punkt|точка)${SP}+|\.)`;

const COMMON_TLDS = new Set(['com', 'net', 'org', 'info', 'biz', 'edu', 'gov', 'pro', 'app', 'dev', 'online', 'shop', 'site', 'store', 'email', 'company', 'example', 'test', 'рус', 'онлайн', 'сайт', 'москва']);

// Separators inside a phone number: "-", "/", " ( ", ") ", ".", a space.
const PSEP = String.raw`(?:${SP}?[\-\u2010-\u2015/]${SP}?|${SP}?\(${SP}?|${SP}?\)${SP}?|[.\u00a0\u202f ])`;

// Words that make an all-letter BIC-shaped code a bank code rather than a shouted word.
const BANK_CONTEXT = /bank|банк|iban|swift|\bbic\b|бик|konto|account|acct|сч[её]т|р\/с|к\/с|überweis|transfer|\bpa(?:y|id)|\bwire\b|sepa|zahl|оплат|плат[её]ж|перевод|реквизит|получател|empfänger|beneficiary|\[(?:IBAN|ACCOUNT|BIC)_\d+\]/iu;

function bicVerdict(m: string, ctx: MatchContext): Verdict {
  if (!ISO_COUNTRIES.has(m.slice(4, 6))) return null;
  if (/\d/.test(m) || m.endsWith('XXX')) return 'BIC';
  return BANK_CONTEXT.test(ctx.before()) || BANK_CONTEXT.test(ctx.after()) ? 'BIC' : null;
}

/** What a run of digits is most likely to be, by its length. */
function digitKind(digits: string): RedactionKind {
  if (digits.length === 20 || digits.length === 22) return 'ACCOUNT';
  if (digits.length === 10 || digits.length === 12) return 'TAX_ID';
  if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return 'CARD';
  return 'NUMBER';
}

// ---- the generic pack ----

const GENERIC: readonly Rule[] = [
  // The prompt's data delimiters carry a random 12-hex tag (prompt.ts) that may hold a digit run; it must reach the
  // model intact. Data cannot forge one: quoted data has its "<<<" neutralised before it gets here.
  { order: 0, re: rx(String.raw`<<<(?:END )?DATA [0-9a-f]{12}(?=[ >"])`), verdict: 'KEEP' },
  { order: 10, re: rx(String.raw`${LOCAL_START}${LOCAL}@(?:${LABEL}\.)+${TLD}(?![\p{L}\p{M}\p{N}\-])`), verdict: 'EMAIL' },
  // Obfuscated with symbols or brackets: name [at] domain.com, name(a)firma.de, name@domain[.]com, name[@]domain.com.
  { order: 11, re: rx(String.raw`${LOCAL_START}${LOCAL}${AT_SYMBOLIC}${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}(?![\p{L}\p{M}\p{N}\-])`, 'giu'), verdict: 'EMAIL' },
  // Spelled-out "at" / "собака": the TLD must be a real-looking one, so "pay at once.Thanks" stays.
  // "reach me at m.schmidt at gmail dot com" first matches "me at m.schmidt", hence the retry.
  {
    order: 12,
    retry: true,
    re: rx(String.raw`${LOCAL_START}${LOCAL}${AT_WORD}${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}(?![\p{L}\p{M}\p{N}\-])`, 'giu'),
    verdict: (m) => {
      // "available at www.example.com" is a web address in prose.
      if (/\s(?:at|собака)\s+www\./iu.test(m)) return null;
      const tld = /[\p{L}\p{N}\-]+$/u.exec(m)?.[0] ?? '';
      return tld === tld.toLowerCase() && (/^(?:\p{L}{2}|xn--.+)$/u.test(tld) || COMMON_TLDS.has(tld)) ? 'EMAIL' : null;
    },
  },
  { order: 20, re: rx(String.raw`${NB}[A-Z]{2}\d{2}(?:[ \u00a0\-]?[A-Z0-9]{4}){2,7}(?:[ \u00a0\-]?[A-Z0-9]{1,4})?${NA}`), verdict: 'IBAN' },
  // +49 30 12345678, +7 (495) 123-45-67, +44 (0)20 7946 0958, 0049 30 1234567.
  {
    order: 22,
    re: rx(String.raw`(?<![\p{L}\p{N}+])${DGB}(?:\+${SP}?|00)[1-9](?:${PSEP}?\d){6,16}(?!\p{N})`),
    verdict: (m) => (digitCount(m) >= 8 ? 'PHONE' : null),
  },
  // Card numbers: 13-19 digits in groups (4-4-4-4, 4-6-5); a typo still identifies, so no checksum for grouped ones.
  {
    order: 24,
    re: rx(String.raw`(?<![\p{N}+][ \u00a0\-]?)\d{4}(?:[ \u00a0\-]?\d{3,6}){2,4}(?![ \u00a0\-]?\p{N})`),
    verdict: (m) => {
      const d = m.replace(/\D/g, '');
      if (d.length < 13 || d.length > 19) return null;
      return /[ \u00a0\-]/.test(m) || luhn(d) ? 'CARD' : null;
    },
  },
  // Labelled SWIFT/BIC: upper case only, so "BIC required" stays.
  {
    order: 25,
    re: rx(String.raw`(?<=(?:\bBIC|SWIFT|СВИФТ|S\.W\.I\.F\.T\.?)(?:${SP}?-?${SP}?(?:code|BIC|код))?[\s:.\-/№#]*)[A-Za-z]{6}[A-Za-z0-9]{2}(?:[A-Za-z0-9]{3})?${NA}`, 'giu'),
    verdict: (m) => (m === m.toUpperCase() ? 'BIC' : null),
  },
  // Labelled account numbers: р/с, к/с, л/с, account no., Kontonummer, Kto.
  {
    order: 25,
    re: rx(
      String.raw`(?<=(?:р\/сч?|р\.${SP}?с\.|расч(?:[её]тный|\.)${SP}*сч(?:[её]т|\.)?|к\/сч?|корр?\.?${SP}*сч(?:[её]т|\.)?|корреспондентский${SP}+сч[её]т|л\/сч?|лицевой${SP}+сч[её]т|сч[её]т${SP}+получателя|account${SP}*(?:no\.?|number|nr\.?|#)|acct\.?(?:${SP}*(?:no\.?|#))?|a\/c(?:${SP}*no\.?)?|konto(?:nummer|${SP}?-?${SP}?nr\.?)?|kto\.?(?:${SP}?-?${SP}?nr\.?)?)[\s:№#.]*)\d(?:[ \u00a0.\-]?\d){5,33}(?![.,]?\p{N})`,
      'giu',
    ),
    verdict: 'ACCOUNT',
  },
  // BIC by its strict shape; see the header for why a bare all-letter word needs a bank word nearby.
  { order: 60, re: rx(String.raw`(?<![\p{L}\p{N}_])[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?(?![\p{L}\p{N}_])`), verdict: bicVerdict },
  // Ordinary dates and money amounts are kept for the model, after every specific pattern ran.
  {
    order: 80,
    re: rx(
      String.raw`(?<!\p{N}[.\-/]?)(?:(?:0?[1-9]|[12]\d|3[01])([.\-/])(?:0?[1-9]|1[0-2])\1(?:(?:19|20)\d{2}|\d{2})|(?:19|20)\d{2}([.\-/])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])\/(?:19|20)\d{2})(?![.\-/]?\p{N})`,
    ),
    verdict: 'KEEP',
  },
  {
    order: 81,
    re: rx(String.raw`(?<!\p{N}[ \u00a0\u202f.,'\-/]?)(?:[1-9]\d{0,2}([ \u00a0\u202f.,'])\d{3}(?:\1\d{3}){0,2}(?:[.,]\d{1,2})?|\d{1,9}[.,]\d{2})(?![ \u00a0\u202f.,'\-/]?\p{N})`),
    // 100 million and above is rare as an amount and common as an identifier spelled in groups.
    verdict: (m) => (digitCount(m.replace(/[.,]\d{1,2}$/, '')) <= 8 ? 'KEEP' : null),
  },
  // An amount right after a short number ("19. Dezember 2022 32 727,74", "22:53:00 1 467 117 руб.") counts only with
  // its cents or its currency, so an identifier in groups is not mistaken for one.
  {
    order: 82,
    re: rx(String.raw`(?<=(?<!\p{N}[ \u00a0\u202f.,'\-/]?)\d{1,4}${SP})(?:[1-9]\d{0,2}(?:([ \u00a0\u202f.,'])\d{3})(?:\1\d{3}){0,2}(?:[.,]\d{2}(?![ \u00a0\u202f.,'\-/]?\p{N})|(?=${SP}?(?:руб|₽|€|EUR|USD|RUB|GBP|CHF|\$|£|р\.)))|\d{1,8}[.,]\d{2}(?![ \u00a0\u202f.,'\-/]?\p{N}))`),
    verdict: (m) => (digitCount(m.replace(/[.,]\d{2}$/, '')) <= 8 ? 'KEEP' : null),
  },
  // Last resort: any run of 9+ digits, also written in groups ("40702 810 9 ...", "030 1234 5678").
  {
    order: 90,
    re: rx(String.raw`(?<!\p{N})\d(?:(?:${SP}?[\-\u2010-\u2015/()]${SP}?|[.\u00a0\u202f ])?\d)*`),
    verdict: (m, ctx) => {
      const d = m.replace(/\D/g, '');
      if (d.length < 9) return null;
      // A reference or version such as RE-2026-000123 or gpt-4.1-2025-04-14 names a document, not a person.
      if (/\p{L}{1,8}[\-\u2010-\u2015]$/u.test(ctx.before()) && /^\d{1,6}(?:[.\-\u2010-\u2015]\d{1,6})+$/.test(m)) return null;
      return digitKind(d);
    },
  },
];

// ---- country packs ----

// Phones with a trunk 0 (Germany, the UK): 030 12345678, 030/12345678, (030) 1234-5678, 0171 1234567, 020 7946 0958, 07700 900123.
const TRUNK_ZERO_PHONE: Rule = {
  order: 40,
  re: rx(String.raw`${DGB}(?:\(${SP}?0[1-9]\d{1,4}${SP}?\)|0[1-9]\d{1,4})(?:${SP}?[/\-\u2010-\u2015]${SP}?|${SP})?\d{2,8}(?:(?:${SP}|${DASH})\d{1,8}){0,3}${DGE}`),
  verdict: (m) => (digitCount(m) >= 9 ? 'PHONE' : null),
};

const RU: readonly Rule[] = [
  {
    order: 25,
    re: rx(String.raw`(?<=(?:ИНН|КПП|ОГРНИП|ОГРН|ОКПО|ОКТМО|ОКАТО|INN|KPP|OGRNIP|OGRN)(?:${SP}*\/${SP}*(?:ИНН|КПП))?[\s:№#.]*)\d(?:[ \u00a0\-]?\d){7,14}(?:${SP}?\/${SP}?\d{9})?(?![.,]?\p{N})`, 'giu'),
    verdict: 'TAX_ID',
  },
  { order: 25, re: rx(String.raw`(?<=(?:БИК|BIK|RCBIC)[\s:№#.]*)\d(?:[ \u00a0]?\d){8}(?!\p{N})`, 'giu'), verdict: 'BIC' },
  // Passport: "серия 4508 номер 123456", "паспорт 45 08 №123456".
  {
    order: 26,
    re: rx(String.raw`(?<=(?:паспорт\p{L}*|серия)[\s:,]*(?:(?:гражданина${SP}+)?РФ[\s:,]*)?(?:серия[\s:]*)?)\d{2}${SP}?\d{2}[\s,]*(?:(?:номер|№|N|No\.?)[\s:]*)?\d{6}(?!\p{N})`, 'giu'),
    verdict: 'ID',
  },
  // Account in its usual 5-3-1-4-7 groups (settlement and correspondent accounts alike).
  { order: 30, re: rx(String.raw`${DGB}\d{5}[ .\-]?\d{3}[ .\-]?\d[ .\-]?\d{4}[ .\-]?\d{7}${DGE}`), verdict: 'ACCOUNT' },
  // SNILS 123-456-789 01.
  { order: 30, re: rx(String.raw`${DGB}\d{3}[\- \u00a0]\d{3}[\- \u00a0]\d{3}[\- \u00a0]{1,3}\d{2}${DGE}`), verdict: 'ID' },
  // Passport without a label: 45 08 123456, 4508 123456, 4508 №123456 (a plain 10-digit run is left to the INN reading).
  { order: 30, re: rx(String.raw`${DGB}\d{2}${SP}?\d{2}(?:${SP}*(?:№|N|No\.?)${SP}*|${SP}+)\d{6}${DGE}`), verdict: 'ID' },
  // 8 (495) 123-45-67, (495) 1234567, 495 123-45-67, 8-800-555-35-35, 8 495 1234567, 4012 12-34-56.
  // Groups must be spelled apart: a plain digit run is left to the last-resort rule.
  {
    order: 40,
    re: rx(
      String.raw`${DGB}(?:(?:[78]${SP}?-?${SP}?)?\(${SP}?\d{3,5}${SP}?\)${SP}?-?${SP}?\d{1,3}${SP}?-?${SP}?\d{2}${SP}?-?${SP}?\d{2}|(?:[78]${SP}?-${SP}?|[78]${SP})?\d{3}(?:${SP}?-${SP}?|${SP})\d{3}(?:${SP}?-${SP}?|${SP})?\d{2}(?:${SP}?-${SP}?|${SP})?\d{2}|\d{4,5}(?:${SP}?-${SP}?|${SP})\d{1,2}-\d{2}-\d{2})${DGE}`,
    ),
    verdict: 'PHONE',
  },
  // A city number without its code: 123-45-67.
  { order: 41, re: rx(String.raw`${DGB}\d{3}-\d{2}-\d{2}${DGE}`), verdict: 'PHONE' },
  // BIK without its label: 9 digits starting 04 (before the phone rules, which would take it for a number).
  { order: 35, re: rx(String.raw`${DGB}04\d{7}${DGE}`), verdict: 'BIC' },
];

const DE: readonly Rule[] = [
  {
    order: 25,
    re: rx(String.raw`(?<=(?:Steuer-?ID|Steuer-?Identifikationsnummer|Identifikationsnummer|IdNr\.?|TIN)[\s:.]*)\d{2}${SP}?\d{3}${SP}?\d{3}${SP}?\d{3}(?!\p{N})`, 'giu'),
    verdict: 'TAX_ID',
  },
  { order: 25, re: rx(String.raw`(?<=(?:Steuer-?(?:nummer|nr\.?)|St\.?-?Nr\.?)[\s:.]*)\d[\d \u00a0/]{8,14}\d(?!\p{N})`, 'giu'), verdict: 'TAX_ID' },
  { order: 25, re: rx(String.raw`(?<=(?:BLZ|Bankleitzahl)[\s:.]*)\d{3}${SP}?\d{3}${SP}?\d{2}(?!\p{N})`, 'giu'), verdict: 'BIC' },
  // USt-IdNr DE123456789, DE 123 456 789.
  { order: 30, re: rx(String.raw`${NB}DE${SP}?\d{3}${SP}?\d{3}${SP}?\d{3}(?!\p{N})`), verdict: 'TAX_ID' },
  // Steuer-ID in its printed groups: 12 345 678 901.
  { order: 30, re: rx(String.raw`${DGB}\d{2}${SP}\d{3}${SP}\d{3}${SP}\d{3}${DGE}`), verdict: 'TAX_ID' },
  // Steuernummer 12/345/67890, 123/456/78901.
  { order: 30, re: rx(String.raw`(?<![\p{N}/])\d{2,3}\/\d{3,4}\/\d{4,5}(?!\/?\p{N})`), verdict: 'TAX_ID' },
  // Personalausweis / Reisepass: 9 characters from an alphabet without vowels (C01X00T47, L01X00T47), optional check digit.
  {
    order: 30,
    re: rx(String.raw`${NB}[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d?${NA}`),
    verdict: (m) => (digitCount(m) >= 2 ? 'ID' : null),
  },
  // Sozialversicherungsnummer 12 123456 A 123; Krankenversichertennummer A123456789.
  { order: 30, re: rx(String.raw`${NB}\d{2}${SP}?\d{6}${SP}?[A-Z]${SP}?\d{3}${NA}`), verdict: 'ID' },
  { order: 30, re: rx(String.raw`${NB}[A-Z]\d{9}${NA}`), verdict: 'ID' },
  TRUNK_ZERO_PHONE,
];

const GB: readonly Rule[] = [
  { order: 25, re: rx(String.raw`(?<=sort${SP}?-?${SP}?code[\s:.]*)\d{2}[\s\-]?\d{2}[\s\-]?\d{2}(?!\p{N})`, 'giu'), verdict: 'BIC' },
  { order: 25, re: rx(String.raw`(?<=(?:UTR|Unique${SP}+Taxpayer${SP}+Reference)[\s:.]*)\d{5}${SP}?\d{5}(?!\p{N})`, 'giu'), verdict: 'TAX_ID' },
  // National Insurance number QQ 12 34 56 C.
  { order: 30, re: rx(String.raw`${NB}[A-Z]{2}${SP}?\d{2}${SP}?\d{2}${SP}?\d{2}${SP}?[A-D]${NA}`), verdict: 'ID' },
  // VAT GB123456789, GB 123 4567 89.
  { order: 30, re: rx(String.raw`${NB}GB${SP}?\d{3}${SP}?\d{4}${SP}?\d{2}(?:${SP}?\d{3})?(?!\p{N})`), verdict: 'TAX_ID' },
  // Sort code with the account number: 20-00-00 12345678.
  { order: 30, re: rx(String.raw`${DGB}\d{2}-\d{2}-\d{2}[ \u00a0,;/]+\d{8}${DGE}`), verdict: 'ACCOUNT' },
  // Driving licence MORGA657054SM9IJ.
  { order: 30, re: rx(String.raw`${NB}[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}${NA}`), verdict: 'ID' },
  TRUNK_ZERO_PHONE,
];

const US: readonly Rule[] = [
  { order: 25, re: rx(String.raw`(?<=(?:routing(?:${SP}*(?:no\.?|number|#))?|ABA(?:${SP}*(?:no\.?|#))?|RTN)[\s:.]*)\d{9}(?!\p{N})`, 'giu'), verdict: 'BIC' },
  // SSN 123-45-6789 (also ITIN); EIN 12-3456789.
  { order: 30, re: rx(String.raw`${DGB}\d{3}([\- \u00a0])\d{2}\1\d{4}${DGE}`), verdict: 'ID' },
  { order: 30, re: rx(String.raw`${DGB}\d{2}-\d{7}${DGE}`), verdict: 'TAX_ID' },
  // (212) 555-1234, 212-555-1234, 212.555.1234, 1-800-555-1234.
  { order: 40, re: rx(String.raw`${DGB}(?:1${SP}?[.\-]?${SP}?)?(?:\([2-9]\d{2}\)${SP}?|[2-9]\d{2}[ \u00a0.\-])\d{3}[ \u00a0.\-]\d{4}${DGE}`), verdict: 'PHONE' },
];

const COUNTRY_RULES: Record<PackCountry, readonly Rule[]> = { RU, DE, GB, US };
const ALIASES: Record<string, string> = { UK: 'GB' };

const ruleCache = new Map<string, readonly Rule[]>();

/** The rules for these countries, in the order they run. */
function rulesFor(countries: readonly string[] | undefined): readonly Rule[] {
  const known = [...new Set((countries ?? []).map((c) => ALIASES[c.trim().toUpperCase()] ?? c.trim().toUpperCase()))]
    .filter((c): c is PackCountry => (PACK_COUNTRIES as readonly string[]).includes(c))
    .sort();
  const selected = known.length > 0 ? known : [...PACK_COUNTRIES];
  const key = selected.join(',');
  let rules = ruleCache.get(key);
  if (!rules) {
    const set = new Set<Rule>(GENERIC);
    for (const c of selected) for (const r of COUNTRY_RULES[c]) set.add(r);
    // Stable sort: equal orders keep pack order (generic first).
    rules = [...set].sort((a, b) => a.order - b.order);
    ruleCache.set(key, rules);
  }
  return rules;
}

/** The countries whose packs fit a business: its profile's `country` and the countries of its own accounts. */
export function businessCountries(profile: Record<string, unknown> | undefined): string[] {
  const out = new Set<string>();
  const c = typeof profile?.country === 'string' ? profile.country.trim().toUpperCase() : '';
  if (/^[A-Z]{2}$/.test(c)) out.add(ALIASES[c] ?? c);
  const accounts = Array.isArray(profile?.own_accounts) ? (profile.own_accounts as unknown[]) : [];
  for (const a of accounts) {
    if (typeof a !== 'string') continue;
    const s = a.replace(/[\s\-.]/g, '').toUpperCase();
    const iban = /^([A-Z]{2})\d{2}[A-Z0-9]{10,30}$/.exec(s);
    if (iban) out.add(iban[1]!);
    // A 20-digit account number is Russian.
    else if (/^\d{20}$/.test(s)) out.add('RU');
  }
  return [...out];
}

interface Segment {
  text: string;
  /** Already a placeholder or a protected span: later rules do not look inside. */
  done: boolean;
}

export class Redactor {
  private readonly byValue = new Map<string, string>();
  readonly map = new Map<string, string>();
  private readonly counters = new Map<RedactionKind, number>();
  private readonly rules: readonly Rule[];

  constructor(opts: RedactorOptions = {}) {
    this.rules = rulesFor(opts.countries);
  }

  private placeholder(kind: RedactionKind, value: string): string {
    const key = `${kind}\0${value}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const ph = `[${kind}_${n}]`;
    this.byValue.set(key, ph);
    this.map.set(ph, value);
    return ph;
  }

  redact(text: string): string {
    let segs: Segment[] = [{ text, done: false }];
    for (const rule of this.rules) segs = this.apply(rule, segs);
    return segs.map((s) => s.text).join('');
  }

  private apply(rule: Rule, segs: readonly Segment[]): Segment[] {
    const out: Segment[] = [];
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.done) {
        out.push(seg);
        continue;
      }
      const re = rule.re;
      re.lastIndex = 0;
      let last = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(seg.text)) !== null) {
        const value = m[0];
        if (value.length === 0) {
          re.lastIndex++;
          continue;
        }
        const start = m.index;
        const verdict = typeof rule.verdict === 'function' ? rule.verdict(value, contextOf(out, seg.text.slice(last, start), seg.text.slice(start + value.length), segs, i)) : rule.verdict;
        if (verdict === null) {
          if (rule.retry) re.lastIndex = start + 1;
          continue;
        }
        if (start > last) out.push({ text: seg.text.slice(last, start), done: false });
        out.push({ text: verdict === 'KEEP' ? value : this.placeholder(verdict, value), done: true });
        last = start + value.length;
      }
      if (last === 0) out.push(seg);
      else if (last < seg.text.length) out.push({ text: seg.text.slice(last), done: false });
    }
    return out;
  }

  /** Puts the real values back into a string of the answer. */
  restore(text: string): string {
    return text.replace(PLACEHOLDER_RE, (m) => this.map.get(m) ?? m);
  }

  restoreDeep<T>(value: T): T {
    if (typeof value === 'string') return this.restore(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.restoreDeep(v)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.restoreDeep(v)])) as T;
    }
    return value;
  }
}

const PLACEHOLDER_RE = new RegExp(`\\[(?:${KINDS.join('|')})_\\d+\\]`, 'g');
const CONTEXT_CHARS = 80;

/** The text around a match as the prompt will read, built only when a rule asks for it. */
function contextOf(done: readonly Segment[], head: string, tail: string, segs: readonly Segment[], i: number): MatchContext {
  return {
    before: () => {
      let s = head;
      for (let k = done.length - 1; k >= 0 && s.length < CONTEXT_CHARS; k--) s = done[k]!.text + s;
      return s.slice(-CONTEXT_CHARS);
    },
    after: () => {
      let s = tail;
      for (let k = i + 1; k < segs.length && s.length < CONTEXT_CHARS; k++) s += segs[k]!.text;
      return s.slice(0, CONTEXT_CHARS);
    },
  };
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** One-shot redaction of a text. */
export function redact(text: string, opts: RedactorOptions = {}): Redaction {
  const r = new Redactor(opts);
  return { text: r.redact(text), map: r.map };
}
