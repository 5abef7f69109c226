// Which counterparty a message concerns, and when an unknown sender deserves a proposal. Pure: the
// job feeds it the counterparty notes from the index and the rules tables.
import { normaliseCompanyName } from '../../contract/index.ts';
import type { MailAddress } from './message.ts';

export interface CounterpartyRef {
  /** Base name of the note: what the wikilink says. */
  note: string;
  name: string;
  emails: string[];
  domains: string[];
  aliases: string[];
}

/** Free-mail providers: their domain says nothing about who writes, so only full addresses match. */
export const DEFAULT_FREE_MAIL_DOMAINS = [
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'icloud.com', 'me.com',
  'aol.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'proton.me', 'protonmail.com', 'yandex.ru', 'ya.ru', 'mail.ru',
  'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'zoho.com',
];

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

/** `mail.bumaga-opt.example` belongs to `bumaga-opt.example`. */
export function domainMatches(domain: string, known: string): boolean {
  const d = domain.toLowerCase();
  const k = known.trim().toLowerCase();
  return k !== '' && (d === k || d.endsWith(`.${k}`));
}


export interface OwnIdentity {
  addresses: Set<string>;
  domains: Set<string>;
}

export function isOwn(address: string, own: OwnIdentity): boolean {
  const a = address.toLowerCase();
  if (own.addresses.has(a)) return true;
  const d = domainOf(a);
  return [...own.domains].some((k) => domainMatches(d, k));
}

/** The other side of a message: the sender, or the recipients when the owner sent it. */
export function otherParties(m: { from?: MailAddress; to: MailAddress[]; cc: MailAddress[] }, own: OwnIdentity): MailAddress[] {
  if (m.from && !isOwn(m.from.address, own)) return [m.from];
  return [...m.to, ...m.cc].filter((a) => !isOwn(a.address, own));
}

/** Address first, then domain (never a free-mail domain), then the display name against names and aliases. */
export function resolveCounterparty(parties: MailAddress[], cps: readonly CounterpartyRef[], freeMail: ReadonlySet<string>): CounterpartyRef | undefined {
  for (const p of parties) {
    const hit = cps.find((c) => c.emails.some((e) => e.trim().toLowerCase() === p.address));
    if (hit) return hit;
  }
  for (const p of parties) {
    const d = domainOf(p.address);
    if (d === '' || freeMail.has(d)) continue;
    const hit = cps.find((c) => c.domains.some((k) => domainMatches(d, k)));
    if (hit) return hit;
  }
  for (const p of parties) {
    const n = normaliseCompanyName(p.name);
    if (n === '') continue;
    const hit = cps.find((c) => [c.name, c.note, ...c.aliases].some((a) => normaliseCompanyName(a) === n));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The business domain a message from an unknown sender counts toward, or undefined when it never
 * can: mailing lists, free-mail senders, the owner's own domains.
 */
export function proposalDomain(parties: MailAddress[], list: boolean, freeMail: ReadonlySet<string>, own: OwnIdentity): string | undefined {
  if (list) return undefined;
  for (const p of parties) {
    const d = domainOf(p.address);
    if (d === '' || freeMail.has(d) || isOwn(p.address, own) || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(d)) continue;
    return d;
  }
  return undefined;
}

/** A readable name for a proposed counterparty: the organisation in the display names, else the domain's label. */
export function proposedName(domain: string, displayNames: readonly string[]): string {
  const label = domain.split('.').slice(-2, -1)[0] ?? domain;
  const fromDomain = label
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
  const parts = (n: string) => n.split(/[|,–—]| - | via | from /).map((p) => p.replace(/[«»"]/g, '').trim()).filter(Boolean);
  // "Ivan Petrov | Acme Trading" or "Acme Trading Billing": the part that repeats the domain label...
  for (const n of displayNames) {
    for (const p of parts(n)) if (normaliseCompanyName(p).replace(/\s/g, '').includes(label.replace(/[-_]/g, '').toLowerCase())) return p;
  }
  // ...or the part several senders of the domain share ("Oleg | Полиграф Сервис" and "Полиграф Сервис").
  const seen = new Map<string, number>();
  for (const n of displayNames) for (const p of new Set(parts(n))) seen.set(p, (seen.get(p) ?? 0) + 1);
  const shared = [...seen].filter(([, c]) => c >= 2).sort((a, b) => b[1] - a[1])[0];
  if (shared) return shared[0];
  // "Person | Organisation", "Person, Organisation", "Person (Organisation)": the organisation comes last.
  for (const n of displayNames) {
    const p = parts(n.replace(/\(([^)]+)\)\s*$/, '| $1'));
    if (p.length >= 2) return p[p.length - 1]!;
  }
  return fromDomain || domain;
}
