// The context a model call about a message carries, within a token budget and in this order: the
// business profile, the counterparty's note, its contracts, the last decisions about it, the thread so
// far. The notes it draws on go with the task as links, so a confidential one keeps the whole call local.
import { linkTarget, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from '../core/job.ts';
import type { IndexEntry } from '../core/vault-index.ts';

export interface ContextPack {
  parts: { label: string; text: string }[];
  /** Vault paths of the notes in the pack (and the message's own): privacy follows them. */
  links: string[];
  tokens: number;
}

/** About four characters a token: a budget, not a count. */
const tokensOf = (s: string) => Math.ceil(s.length / 4);

const fmLine = (fm: Record<string, unknown>, keys: readonly string[]) =>
  keys.flatMap((k) => (fm[k] === undefined || fm[k] === null || (Array.isArray(fm[k]) && (fm[k] as unknown[]).length === 0) ? [] : [`${k}: ${Array.isArray(fm[k]) ? (fm[k] as unknown[]).join(', ') : String(fm[k])}`])).join('\n');

/** What a run reads once: note bodies (a batch of mail from one firm asks for its notes again and again) and mail by thread. */
export interface PackCache {
  bodies: Map<string, string>;
  threads?: Map<string, IndexEntry[]>;
}

export function contextPack(ctx: Pick<JobContext, 'index' | 'vault'>, note: IndexEntry, budgetTokens: number, cache: PackCache = { bodies: new Map() }): ContextPack {
  const parts: ContextPack['parts'] = [];
  const links = [note.path];
  let tokens = 0;
  const add = (label: string, text: string, path?: string): boolean => {
    const left = budgetTokens - tokens;
    if (left <= 20) return false;
    const t = tokensOf(text) <= left ? text : `${text.slice(0, left * 4 - 1)}…`;
    parts.push({ label, text: t });
    tokens += tokensOf(t);
    if (path) links.push(path);
    return true;
  };
  const body = (e: IndexEntry) => {
    let b = cache.bodies.get(e.path);
    if (b === undefined) {
      try {
        b = ctx.vault.readNote(e.path).body.trim();
      } catch {
        b = '';
      }
      cache.bodies.set(e.path, b);
    }
    return b;
  };

  const profile = ctx.index.byKind('business_profile')[0];
  if (profile) add('business profile', `${fmLine(profile.frontmatter, ['name', 'legal_name', 'country', 'base_currency', 'owner_name'])}\n${body(profile)}`, profile.path);

  const cpLink = typeof note.frontmatter.counterparty === 'string' ? note.frontmatter.counterparty : undefined;
  const cp = cpLink ? ctx.index.resolveLink(cpLink) : undefined;
  if (cp) {
    add('counterparty', `${fmLine(cp.frontmatter, ['name', 'relationship', 'status', 'aliases', 'domains'])}\n${body(cp)}`, cp.path);
    const name = cp.name.toLowerCase();
    const linked = (e: IndexEntry) => (linkTarget(String(e.frontmatter.counterparty ?? '')) ?? '').split('/').pop()!.toLowerCase() === name;
    for (const c of ctx.index.byKind('contract').filter(linked)) {
      add('contract', `${fmLine(c.frontmatter, ['title', 'number', 'status', 'start', 'end', 'auto_renew', 'notice_days', 'amount', 'currency'])}\n${body(c).slice(0, 1200)}`, c.path);
    }
    const decisions = ctx.index.byKind('decision_record').filter(linked)
      .sort((a, b) => String(b.frontmatter.date).localeCompare(String(a.frontmatter.date))).slice(0, 3);
    for (const d of decisions) add('decision', `${String(d.frontmatter.date)} ${String(d.frontmatter.title)}\n${body(d).slice(0, 600)}`, d.path);
  }

  const thread = typeof note.frontmatter.thread_key === 'string' ? note.frontmatter.thread_key : undefined;
  if (thread) {
    const date = String(note.frontmatter.date ?? '');
    if (!cache.threads) {
      cache.threads = new Map();
      for (const m of ctx.index.byKind('mail_message')) {
        const k = m.frontmatter.thread_key;
        if (typeof k !== 'string') continue;
        const list = cache.threads.get(k);
        if (list) list.push(m);
        else cache.threads.set(k, [m]);
      }
    }
    const earlier = (cache.threads.get(thread) ?? [])
      .filter((e) => e.path !== note.path && String(e.frontmatter.date) < date)
      .sort((a, b) => String(b.frontmatter.date).localeCompare(String(a.frontmatter.date)))
      .slice(0, 3);
    for (const m of earlier) {
      const f = m.frontmatter as Partial<Frontmatter<'mail_message'>>;
      add('earlier in the thread', `${f.date ?? ''} from ${f.from ?? ''}: ${f.subject ?? ''}\n${f.summary ?? ''}`, m.path);
    }
  }
  return { parts, links, tokens };
}
