// What mail and chats say that could hurt: a claim (a penalty, termination, court), bank details that
// changed (a classic fraud before a payment), and a deadline an authority or a counterparty sets. Only
// messages of the last MESSAGE_DAYS, from others, never mailing lists.
import { accountKey, addDays, contractDeadline, daysBetween, linkTarget, linkToNote } from '../../contract/index.ts';
import type { Catalogue } from '../core/i18n/index.ts';
import { oneLine } from '../core/i18n/format.ts';
import { note } from './obligations.ts';
import { MESSAGE_DAYS, type CounterpartyFact, type Finding, type MessageFact, type RiskInput } from './types.ts';

// Word classes are \p{L}: \w and \b know no Cyrillic.
/** Groups of claim words: a message naming two of them is a claim even without a model to confirm it. */
const CLAIM_WORDS: readonly RegExp[] = [
  /претензи|жалоб|рекламаци|\bclaims?\b|complain|beschwerde|reklamation/iu,
  /неустойк|штраф|(?<!\p{L})пени(?!\p{L})|penalt|liquidated damages|vertragsstrafe/iu,
  /(?<!\p{L})(?:суд(?:а|ом|у|е|ебн\p{L}*)?|иск(?:а|ом|у)?)(?!\p{L})|арбитраж|court|lawsuit|legal action|\bsue\b|gericht|klage/iu,
  /расторж|terminat\p{L}* (?:the|our|this) (?:contract|agreement)|kündig/iu,
  /возмещ\p{L}* (?:ущерба|убытков)|компенсац|compensation|damages|refund|возврат\p{L}* (?:денег|средств|оплаты)|schadensersatz/iu,
];

export function claimWords(text: string): number {
  return CLAIM_WORDS.filter((re) => re.test(text)).length;
}

/** Wording that announces changed bank details, in Russian, English and German (any one is enough). */
const BANK_CHANGE: readonly RegExp[] = [
  /(?:изменени\p{L}*|смен\p{L}*|изменил\p{L}*|обновлен\p{L}*|новы\p{L}*)\s+(?:наши\p{L}*\s+|банковск\p{L}*\s+|платёжн\p{L}*\s+|платежн\p{L}*\s+)*реквизит/iu,
  /реквизит\p{L}*\s+(?:\S+\s+){0,3}(?:изменил|сменил|поменял|обновил)/iu,
  /(?:изменил\p{L}*|сменил\p{L}*|нов\p{L}+)\s+(?:наш\p{L}*\s+)?(?:расч[её]тн\p{L}+\s+сч[её]т|р\/с|банк)/iu,
  /(?:перешли|переходим)\s+(?:на\s+обслуживание\s+)?в\s+(?:другой|новый)\s+банк/iu,
  /(?:просим|прошу)\s+(?:\S+\s+){0,4}(?:перечисля\p{L}*|оплачива\p{L}*|направля\p{L}*)\s+(?:\S+\s+){0,4}на\s+(?:нов\p{L}+|другой)\s+сч[её]т/iu,
  /(?:bank|banking|payment|account)\s+(?:details|information|instructions)\s+(?:\S+\s+){0,2}(?:changed|updated|new)/iu,
  /(?:new|updated|changed)\s+(?:bank|banking|payment|remittance)\s+(?:details|account|information|instructions)/iu,
  /(?:bank\s+)?account\s+(?:\S+\s+){0,2}(?:has|have)\s+changed/iu,
  /(?:update|change)\s+(?:our|the)\s+(?:bank|banking|payment)\s+(?:details|account|information)/iu,
  /(?:changed|switched|moved)\s+(?:our\s+)?(?:bank|banks|banking|account)/iu,
  /new\s+(?:iban|account\s+number|sort\s+code)/iu,
  /neue\s+(?:bankverbindung|iban|kontonummer)|bankverbindung\s+(?:\S+\s+){0,2}geändert/iu,
];

export function announcesBankChange(text: string): boolean {
  return BANK_CHANGE.some((re) => re.test(text));
}

const AUTHORITY = /nalog|arbitr|\bfssp\b|\bsfr\b|rostrud|rosstat|companies\s?house|tribunal|\bfns\b|ifns|ифнс|фнс|налогов|tax office|finanzamt|hmrc|\birs\b|court|(?<!\p{L})(?:суд\p{L}*|сфр|пфр|фсс)(?!\p{L})|арбитражн|\.gov\b|\.gov\.|gosuslugi|госуслуг|прокуратур|police|полици|роспотребнадзор|инспекци|пристав|фссп|роструд|росстат|пенсионн|социальн\p{L}* фонд/iu;

export function isAuthority(m: Pick<MessageFact, 'from' | 'fromName'>, cp?: CounterpartyFact): boolean {
  return cp?.relationship === 'authority' || AUTHORITY.test(`${m.from} ${m.fromName ?? ''}`);
}

/** The messages worth a look: recent, from others, not a mailing list, not closed. */
export function scannedMessages(input: RiskInput): MessageFact[] {
  const since = addDays(input.today, -MESSAGE_DAYS);
  return input.messages.filter((m) => m.date >= since && !m.list && !input.ownAddresses.has(m.from.toLowerCase()));
}

const partyOf = (m: MessageFact, t: Catalogue, cp?: CounterpartyFact) => cp?.name ?? (m.counterparty ? linkTarget(m.counterparty) : undefined) ?? (m.fromName || m.from || t['risk.authority']());

/** Claim candidates and whether they are sure already (triage said claim, or two groups of claim words). */
export function claimCandidates(input: RiskInput): { message: MessageFact; sure: boolean }[] {
  const out: { message: MessageFact; sure: boolean }[] = [];
  for (const m of scannedMessages(input)) {
    if (m.status === 'archived') continue;
    const words = m.claimWords;
    // A guessed category alone is not enough: the learner mistakes a shipment notice for a complaint.
    if (m.category === 'claim' && (m.categorySure || words > 0)) out.push({ message: m, sure: true });
    else if (words > 0 && m.counterparty) out.push({ message: m, sure: words >= 2 });
  }
  return out;
}

/** Claim messages this close to the last one from the same counterparty are the same dispute (a mail and a chat on one complaint). */
const CLAIM_SPELL_DAYS = 14;

/**
 * Claims, one per dispute: the messages of one counterparty (or one thread) no more than CLAIM_SPELL_DAYS
 * apart, keyed by the first one's thread. `confirmed` holds the candidates a model confirmed. A deadline
 * the claim sets goes on the claim itself.
 */
export function claims(input: RiskInput, confirmed: ReadonlySet<string>, t: Catalogue, examined: Set<string>): Finding[] {
  const cps = new Map(input.counterparties.map((c) => [c.link, c]));
  const open = new Map<string, { finding: Finding; last: string }>();
  const out: Finding[] = [];
  // Oldest first; on one day a mail before a chat day (a chat day has no hour, and a mail has a thread to link).
  const order = (m: MessageFact) => `${m.date}\u0000${m.kind === 'mail_message' ? 0 : 1}\u0000${m.path}`;
  const candidates = claimCandidates(input).sort((a, b) => (order(a.message) < order(b.message) ? -1 : 1));
  for (const { message: m, sure } of candidates) {
    examined.add(note(m.path));
    if (!sure && !confirmed.has(m.path)) continue;
    const who = m.counterparty ?? m.threadKey;
    const prev = open.get(who);
    if (prev && daysBetween(prev.last, m.date) <= CLAIM_SPELL_DAYS) {
      prev.finding.evidence = [...(prev.finding.evidence ?? []), linkToNote(m.path)];
      prev.finding.targets.push(note(m.path));
      prev.last = m.date;
      continue;
    }
    const cp = m.counterparty ? cps.get(m.counterparty) : undefined;
    const finding: Finding = {
      finding_key: `claim:${m.threadKey}`,
      kind: 'claim',
      title: t['risk.claim.title']({ party: partyOf(m, t, cp) }),
      why: t['risk.claim.why']({ subject: oneLine(m.subject, 120), date: m.date, summary: oneLine(m.summary || m.subject, 240) }),
      severity: 'high',
      ...(m.deadline && m.deadline >= input.today ? { deadline: m.deadline } : {}),
      evidence: [linkToNote(m.path)],
      options: (['accept', 'dispute', 'negotiate'] as const).map((id) => ({ id, text: t[`risk.claim.${id}`]() })),
      targets: [note(m.path)],
      ...(m.counterparty ? { counterparty: m.counterparty } : {}),
    };
    open.set(who, { finding, last: m.date });
    out.push(finding);
  }
  return out;
}

export function bankDetailMails(input: RiskInput, t: Catalogue, examined: Set<string>): Finding[] {
  const cps = new Map(input.counterparties.map((c) => [c.link, c]));
  const out: Finding[] = [];
  for (const m of scannedMessages(input)) {
    if (m.kind !== 'mail_message') continue;
    examined.add(note(m.path));
    const cp = m.counterparty ? cps.get(m.counterparty) : undefined;
    const account = m.bankAccount ? accountKey(m.bankAccount) : undefined;
    const known = cp?.accounts.map(accountKey) ?? [];
    const newAccount = account !== undefined && cp !== undefined && known.length > 0 && !known.includes(account);
    if (!m.bankChange && !newAccount) continue;
    if (account && (known.includes(account) || (input.confirmedAccounts.has(account) && !input.fraudAccounts.has(account)))) continue;
    out.push({
      finding_key: `bank_details_changed:mail:${m.messageId}:${account ?? ''}`,
      kind: 'bank_details_changed',
      title: t['risk.bank.title_mail']({ party: partyOf(m, t, cp) }),
      why: t['risk.bank.why_mail']({ subject: oneLine(m.subject, 120), date: m.date, from: m.from, known: known.join(', ') || (cp ? t['risk.bank.none_known']() : t['risk.bank.unknown_sender']()), ...(account ? { account } : {}) }),
      severity: 'high',
      evidence: [linkToNote(m.path), ...(cp ? [cp.link] : [])],
      options: (['confirmed', 'fraud'] as const).map((id) => ({ id, text: t[`risk.bank.${id}`]() })),
      targets: [note(m.path), ...(account ? [`account:${account}`] : [])],
      ...(m.counterparty ? { counterparty: m.counterparty } : {}),
    });
  }
  return out;
}

/** Categories whose dates are money due, raised as invoices instead. */
const MONEY_CATEGORIES = new Set(['invoice', 'payment_notice']);

export function mailDeadlines(input: RiskInput, claimed: ReadonlySet<string>, t: Catalogue, examined: Set<string>): Finding[] {
  const cps = new Map(input.counterparties.map((c) => [c.link, c]));
  const contractDays = new Set(input.contracts.flatMap((c) => [contractDeadline(c), c.end].filter((d): d is string => !!d).map((d) => `${c.counterparty ?? ''}\u0000${d}`)));
  const withContract = new Set(input.contracts.map((c) => c.counterparty).filter((c): c is string => !!c));
  const out: Finding[] = [];
  for (const m of scannedMessages(input)) {
    examined.add(note(m.path));
    if (!m.deadline || m.deadline < addDays(input.today, -7)) continue;
    if (m.status === 'done' || m.status === 'archived' || claimed.has(m.path)) continue;
    if (MONEY_CATEGORIES.has(m.category ?? '') || m.invoiceNumber) continue;
    const cp = m.counterparty ? cps.get(m.counterparty) : undefined;
    const authority = isAuthority(m, cp);
    if (!authority && !cp) continue;
    // A contract's notice day or end, said again in a mail, or a mail about the contracts of a counterparty
    // the business has one with: the contract's own item carries it (and the owner's answer to it).
    if (m.counterparty && (contractDays.has(`${m.counterparty}\u0000${m.deadline}`) || (m.category === 'contract' && withContract.has(m.counterparty)))) continue;
    out.push({
      finding_key: `mail_deadline:${m.messageId}:${m.deadline}`,
      kind: 'mail_deadline',
      title: t['risk.deadline.title']({ party: partyOf(m, t, cp), deadline: m.deadline }),
      why: t['risk.deadline.why']({ subject: oneLine(m.subject, 120), date: m.date, summary: oneLine(m.summary || m.subject, 240) }),
      severity: authority ? 'high' : 'medium',
      deadline: m.deadline,
      evidence: [linkToNote(m.path)],
      options: (['handled', 'working', 'not_relevant'] as const).map((id) => ({ id, text: t[`risk.deadline.${id}`]() })),
      targets: [note(m.path)],
      ...(m.counterparty ? { counterparty: m.counterparty } : {}),
    });
  }
  return out;
}
