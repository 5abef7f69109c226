// Confidentiality is decided here, locally, before any routing: a task is confidential when the caller
// says so, or when any note it links to (the mail, its counterparty, a contract), or anything those
// link to, is marked `confidential: true`. A counterparty with a confidential contract is confidential too.
import { linkTarget, WIKILINK_RE } from '../../contract/index.ts';
import { domainAndParents, type CounterpartyQuery, type IndexEntry, type Unreadable } from '../core/vault-index.ts';

/** The part of the vault index privacy needs. */
export interface PrivacyIndex {
  get(path: string): IndexEntry | undefined;
  resolveLink(link: string): IndexEntry | undefined;
  byKind(kind: 'contract'): IndexEntry[];
  findCounterparty(q: CounterpartyQuery): IndexEntry | undefined;
  /** Notes the index could not read: privacy fails closed on them. */
  unreadable(): Unreadable[];
}

/** Kinds whose notes can carry `confidential`: one of them that cannot be read may be a confidential one. */
const GUARDED = new Set(['counterparty', 'contract', 'invoice', 'business_profile', 'decision_record']);

/**
 * A note that cannot be read (a malformed address, `confidential: yes`, broken YAML) counts as
 * confidential for any task that could concern it: one naming its sender's address or domain, or one
 * whose links name it. Failing open here would send a secret firm's mail to the cloud.
 */
function unreadableReason(index: PrivacyIndex, names: readonly string[], sender: { email: string; domains: string[] } | undefined): string | undefined {
  const wanted = names.map((n) => n.toLowerCase());
  for (const u of index.unreadable()) {
    if (u.claimedKind !== undefined && !GUARDED.has(u.claimedKind)) continue;
    const base = u.path.slice(u.path.lastIndexOf('/') + 1, -3).toLowerCase();
    const head = u.head.toLowerCase();
    const hit =
      wanted.includes(base) || wanted.some((n) => n !== '' && head.includes(`[[${n}`)) ||
      (sender !== undefined && (head.includes(sender.email) || sender.domains.some((d) => new RegExp(`(^|[^a-z0-9.-])${d.replace(/[.]/g, '\\.')}($|[^a-z0-9-])`).test(head))));
    if (hit) return `${u.path} cannot be read, so it counts as confidential`;
  }
  return undefined;
}

const MAX_DEPTH = 3;

function linksOf(fm: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const v of Object.values(fm)) {
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && WIKILINK_RE.test(x)) out.push(x);
  }
  return out;
}

function senderQuery(sender: string): CounterpartyQuery | undefined {
  const addr = (/<([^>]+)>/.exec(sender)?.[1] ?? sender).trim().toLowerCase();
  const at = addr.lastIndexOf('@');
  if (at < 1) return undefined;
  return { email: addr, domain: addr.slice(at + 1) };
}

const nameOf = (link: string) => (linkTarget(link) ?? link.replace(/\.md$/i, '')).split('/').pop()!.trim();

/** Why the data must stay local, or undefined when it may go to the cloud. */
export function confidentialReason(
  index: PrivacyIndex | undefined,
  task: { confidential?: boolean; links?: readonly string[]; sender?: string },
): string | undefined {
  if (task.confidential) return 'marked confidential by the caller';
  if (!index) return undefined;
  const q = task.sender ? senderQuery(task.sender) : undefined;
  // Names linked from the task or the notes it reaches: an unreadable note of that name fails closed.
  const names = (task.links ?? []).map(nameOf);
  const start: IndexEntry[] = [];
  for (const l of task.links ?? []) {
    const e = WIKILINK_RE.test(l) ? index.resolveLink(l) : index.get(l.endsWith('.md') ? l : `${l}.md`);
    if (e) start.push(e);
  }
  if (task.sender) {
    // By address first; a domain match (its parent domains too) only counts when the address is not known as someone else's.
    const byEmail = q?.email ? index.findCounterparty({ email: q.email }) : undefined;
    const cp = byEmail ?? (q ? index.findCounterparty({ domain: q.domain }) : undefined);
    if (cp) start.push(cp);
  }
  const seen = new Set<string>();
  let frontier = start;
  for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
    const next: IndexEntry[] = [];
    for (const e of frontier) {
      if (seen.has(e.path)) continue;
      seen.add(e.path);
      if (e.frontmatter.confidential === true) return `${e.path} is confidential`;
      if (e.kind === 'counterparty') {
        const secret = index.byKind('contract').find((c) => c.frontmatter.confidential === true && nameOf(String(c.frontmatter.counterparty ?? '')).toLowerCase() === e.name.toLowerCase());
        if (secret) return `${secret.path} (a contract of ${e.name}) is confidential`;
      }
      for (const l of linksOf(e.frontmatter)) {
        const t = index.resolveLink(l);
        if (t && !seen.has(t.path)) next.push(t);
        if (!t) names.push(nameOf(l));
      }
    }
    frontier = next;
  }
  return unreadableReason(index, names, q?.email && q.domain ? { email: q.email, domains: domainAndParents(q.domain) } : undefined);
}
