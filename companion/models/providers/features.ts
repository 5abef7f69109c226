// Features of a mail for the built-in learner: lower-cased words of the subject and of the sender's own
// text (quoted replies, forwarded headers and signatures taken out; Russian and English; `ё` folded to `е`),
// a 5-letter prefix standing in for word endings, number shapes, and sender features (domain, local part,
// mailing-list flag). Pure and fast: thousands of mails a second.

export interface MailText {
  subject?: string;
  body: string;
  from?: string;
  list?: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;
/** Bodies are cut here: the signal is at the top, and a pasted 1 MB log must not slow the queue. */
const MAX_BODY = 3000;
/** Prefix length standing in for a stem: on folds of unseen senders 5 beat 6 in both languages. */
const STEM = 5;
/** Own text shorter than this (words) is a bare forward or "see below": the quoted part is the mail then. */
const MIN_OWN_WORDS = 5;

const STOP = new Set([
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'we', 'you', 'i', 'it', 'this', 'that', 'with', 'at', 'as', 'by', 'our', 'your',
  'и', 'в', 'во', 'не', 'на', 'с', 'со', 'по', 'к', 'а', 'но', 'что', 'это', 'мы', 'вы', 'я', 'о', 'об', 'за', 'из', 'у', 'же', 'ли', 'бы', 'от', 'до', 'для',
]);

function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().replace(/ё/g, 'е').matchAll(WORD)) {
    let w = m[0];
    if (/\d/.test(w)) {
      // Numbers carry their shape, not their value: 20-digit accounts, dates, amounts.
      w = `#${w.replace(/\p{L}+/gu, 'a').replace(/\d+/g, (d) => `d${Math.min(d.length, 12)}`)}`;
    }
    out.push(w);
  }
  return out;
}

/** Word boundaries that know Cyrillic (`\b` only knows ASCII letters). */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Lines that open the quoted part of a reply or a forward (Gmail, Outlook, Thunderbird, Yandex, Mail.ru). */
const QUOTE_OPENERS = [
  /^on\b.{0,200}\bwrote:$/i,
  /^am\b.{0,200}\bschrieb.{0,60}:$/i,
  new RegExp(`^.{0,200}${B}(писал|написал|пишет)(\\(а\\))?:$`, 'iu'),
  /^-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|исходное сообщение|пересылаемое сообщение|пересланное сообщение)\s*-{2,}$/iu,
  /^_{10,}$/,
];
/** An Outlook header block ("From:" / "От:" followed by "Sent:" / "Отправлено:"...) also opens a quote. */
const HEADER_FROM = /^(from|от|von):\s/iu;
const HEADER_NEXT = /^(sent|date|to|subject|cc|отправлено|дата|кому|тема|копия|gesendet|an|betreff):/imu;
/** A sign-off: it and everything under it (name, title, phone) is the signature. */
const SIGN_OFF = new RegExp(`^(с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего|best regards|kind regards|warm regards|regards|best wishes|yours sincerely|yours faithfully|yours truly|sincerely|cheers|mit freundlichen grüßen|viele grüße)${E}`, 'iu');
/** Short sign-offs count only alone on their line ("Thanks," not "Thanks for the proof"). */
const SHORT_SIGN_OFF = /^(thanks|thank you|many thanks|best|спасибо|заранее спасибо)[\s,.!]*$/iu;
/** Sign-offs are looked for in the last lines only: a "Regards" at the top is content. */
const SIGNATURE_LINES = 8;

/**
 * Splits a body into what the sender wrote now and what they quoted (a reply's history, a forwarded mail),
 * with the signature dropped: quoted history and signatures are about other mail and other people.
 */
export function ownText(body: string): { text: string; quoted: string } {
  const lines = body.split(/\r?\n/);
  const own: string[] = [];
  const quoted: string[] = [];
  let inQuote = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (inQuote) {
      quoted.push(t.replace(/^(>\s?)+/, ''));
      continue;
    }
    if (t.startsWith('>')) {
      quoted.push(t.replace(/^(>\s?)+/, ''));
      continue;
    }
    if (QUOTE_OPENERS.some((r) => r.test(t)) || (HEADER_FROM.test(t) && HEADER_NEXT.test(lines.slice(i + 1, i + 4).join('\n')))) {
      inQuote = true;
      continue;
    }
    // "-- " is the standard signature separator; everything after it until a quote is signature.
    if (t === '--' && /^--\s?$/.test(line)) {
      const next = lines.slice(i + 1).findIndex((l) => QUOTE_OPENERS.some((r) => r.test(l.trim())) || l.trim().startsWith('>'));
      if (next < 0) break;
      i += next;
      continue;
    }
    own.push(line);
  }
  // The last sign-off near the bottom: "Thanks! We got the payment. Best, Jan" keeps its middle line.
  let end = own.length;
  for (let i = own.length - 1; i >= Math.max(1, own.length - SIGNATURE_LINES); i--) {
    const t = own[i]!.trim();
    if (SIGN_OFF.test(t) || SHORT_SIGN_OFF.test(t)) {
      end = i;
      break;
    }
  }
  return { text: own.slice(0, end).join('\n'), quoted: quoted.join('\n') };
}

export interface FeatureOptions {
  stem: number;
  senderWeight: number;
  /** Take quoted history and signatures out of the body (see `ownText`). */
  clean: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { stem: STEM, senderWeight: 2, clean: true };

/** Adds the features of one text into `into` with a prefix (`s:` subject, `b:` body). Presence, not counts: */
/** a word repeated in a long mail says no more about its category than once. */
function addText(into: Map<string, number>, text: string, prefix: string, o: FeatureOptions): void {
  for (const w of words(text)) {
    if (STOP.has(w)) continue;
    into.set(prefix + w, 1);
    if (w[0] !== '#' && w.length > o.stem + 1) into.set(`${prefix}~${w.slice(0, o.stem)}`, 1);
  }
}

/** The lower-cased address of a `Name <address>` or bare-address sender; '' when there is none. */
export function senderAddress(from: string | undefined): string {
  if (!from) return '';
  const addr = (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
  return addr.includes('@') ? addr : '';
}

/** Sender features (the domain and its organisation part, the local part's words such as billing or noreply, the list flag), weighted double: who writes says as much as what they write. */
function addSender(into: Map<string, number>, from: string | undefined, list: boolean | undefined, w: number): void {
  if (list) into.set('f:list', 2 * w);
  const addr = senderAddress(from);
  const at = addr.lastIndexOf('@');
  if (at < 0) return;
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1);
  into.set(`f:dom:${domain}`, w);
  const parts = domain.split('.');
  if (parts.length >= 2) into.set(`f:org:${parts[parts.length - 2]}`, w);
  for (const p of local.split(/[^a-z0-9а-я]+/)) if (p && !/^\d+$/.test(p)) into.set(`f:loc:${p}`, w);
}

export function mailFeatures(mail: MailText, o: FeatureOptions = DEFAULT_FEATURES): Map<string, number> {
  const f = new Map<string, number>();
  if (mail.subject) {
    addText(f, mail.subject, 's:', o);
    addText(f, mail.subject, 'b:', o);
  }
  let body = mail.body.length > MAX_BODY ? mail.body.slice(0, MAX_BODY) : mail.body;
  if (o.clean) {
    const parts = ownText(body);
    const own = parts.text.match(WORD)?.length ?? 0;
    body = own >= MIN_OWN_WORDS || parts.quoted === '' ? parts.text : `${parts.text}\n${parts.quoted}`;
  }
  addText(f, body, 'b:', o);
  addSender(f, mail.from, mail.list, o.senderWeight);
  return f;
}
