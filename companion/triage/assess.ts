// What triage says about a message once its category is known: a one-line summary in the message's own
// language (its first sentence that says something), a priority, whether it waits for a reply, and a
// suggested next step from the catalogue of the owner's language. Pure.
import type { Catalogue } from '../core/i18n/index.ts';
import type { Facts } from './facts.ts';

export interface Assessment {
  summary: string;
  priority: 'high' | 'normal' | 'low';
  needsReply: boolean;
  nextStep?: string;
}

const GREETING = /^(?:добрый\s+(?:день|вечер|утро)|доброе\s+утро|здравствуйте|привет|уважаем\S*|hello|hi|hey|dear|good\s+(?:morning|afternoon|evening)|guten\s+tag|hallo|sehr\s+geehrte\S*|liebe\S*)(?![\p{L}])/iu;
const SIGN_OFF = /^(?:--\s*$|с\s+уважением|с\s+наилучшими|спасибо[,!.]?\s*$|best(?:\s+regards)?|kind\s+regards|regards|thanks[,!]?\s*$|thank\s+you[,!]?\s*$|cheers|mit\s+freundlichen|viele\s+grüße|beste\s+grüße)/iu;
/** A greeting with a name only: "Анна, добрый день!", "Hi Maria,". */
const NAME_GREETING = /^[\p{L}-]{2,20},?\s+(?:добрый\s+день|здравствуйте|привет)[!.,]?$/iu;

/** The message's own words: quoted replies, greetings and the signature go. */
export function contentLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.replace(/^\s*[*_#]+\s*/, '').trim();
    if (line === '' || line.startsWith('>')) continue;
    if (/^(?:on .+ wrote:|-{3,}\s*original message|от:|from:|sent:|отправлено:)/iu.test(line)) break;
    if (SIGN_OFF.test(line)) break;
    if ((GREETING.test(line) && line.length < 60) || NAME_GREETING.test(line)) continue;
    out.push(line);
  }
  return out;
}

/** A one-line summary: the first sentence with content, cut at a word near 160 characters. */
export function summarise(subject: string, text: string): string {
  const first = contentLines(text).join(' ').replace(/\s+/g, ' ').trim();
  const sentence = /^(.{20,}?[.!?])(?:\s|$)/u.exec(first)?.[1] ?? first;
  const s = sentence || subject;
  if (s.length <= 160) return s;
  const cut = s.slice(0, 160);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 100)).trimEnd()}…`;
}

const URGENT = /(?<![\p{L}])(?:срочно|urgent|asap|dringend|immediately|немедленно)(?![\p{L}])/iu;
const QUESTION = /\?/;

const daysBetween = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

export function assess(input: {
  category: string;
  subject: string;
  text: string;
  facts: Facts;
  /** YYYY-MM-DD the message was sent. */
  sent: string;
  list: boolean;
  /** The owner wrote it (mail the owner sent): nothing to reply to. */
  fromOwner: boolean;
  catalogue: Catalogue;
  money: (amount: number, currency?: string) => string;
}): Assessment {
  const { category, facts, catalogue: t } = input;
  const soon = [facts.deadline, facts.invoice_due].filter((d): d is string => !!d).some((d) => daysBetween(input.sent, d) <= 3);
  const priority: Assessment['priority'] =
    category === 'claim' || soon || (URGENT.test(input.subject) && !input.list) ? 'high'
      : input.list || category === 'newsletter' || category === 'notification' ? 'low'
        : 'normal';
  const asks = category === 'client_request' || category === 'claim' || category === 'contract' || (category === 'other' && QUESTION.test(input.text)) || facts.deadline !== undefined;
  const needsReply = !input.list && !input.fromOwner && asks && category !== 'newsletter' && category !== 'notification';
  let nextStep: string | undefined;
  switch (category) {
    case 'invoice':
      nextStep = t['triage.next.invoice']({
        ...(facts.invoice_amount !== undefined ? { amount: input.money(facts.invoice_amount, facts.invoice_currency) } : {}),
        ...(facts.invoice_due ? { due: facts.invoice_due } : {}),
        ...(facts.invoice_number ? { number: facts.invoice_number } : {}),
      });
      break;
    case 'payment_notice': nextStep = t['triage.next.payment_notice'](); break;
    case 'contract': nextStep = t['triage.next.contract'](facts.deadline ? { deadline: facts.deadline } : {}); break;
    case 'claim': nextStep = t['triage.next.claim'](); break;
    case 'client_request': nextStep = t['triage.next.client_request'](); break;
    default:
      if (facts.deadline && needsReply) nextStep = t['triage.next.deadline']({ deadline: facts.deadline });
      else if (needsReply) nextStep = t['triage.next.reply']();
  }
  if (input.fromOwner) nextStep = undefined;
  return { summary: summarise(input.subject, input.text), priority, needsReply, ...(nextStep ? { nextStep } : {}) };
}
