// The triage module: every new mail and chat day gets a category, a priority, a one-line summary, the
// facts it states and a suggested next step. The owner's rules decide first; then the built-in learner,
// the local model and the cloud, through `ctx.models` only, each call carrying the business's context.
// Facts come from deterministic readers, a model only for what they miss and only where the text
// states it. What triage writes are keys the owner may change: a correction stands.
import { z } from 'zod';
import { formatMoney, identifiersOf, moneyFromNumber, TRIAGE_KEYS, WROTE_KEY, type Frontmatter } from '../../contract/index.ts';
import type { Job, JobContext, JobResult } from '../core/job.ts';
import type { IndexEntry } from '../core/vault-index.ts';
import type { Note, WriteOutcome } from '../core/vault.ts';
import { catalogueFor, type Catalogue } from '../core/i18n/index.ts';
import { parseWrote, valueDigest } from '../core/frontmatter.ts';
import { updateCompanionNotes } from '../core/note-batch.ts';
import { categoriesFromSettings, type Categories } from '../models/categories.ts';
import { assess } from './assess.ts';
import { contextPack, type PackCache } from './context.ts';
import { extractFacts, figureInText, statesAmount, type Facts } from './facts.ts';
import { firstMatch, parseTriageRules, type RuleSubject } from './rules.ts';

/** Properties from outside land as plain text: no links, embeds, tags or line breaks. */
export function plainProperty(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]/g, (_m, a: string, b?: string) => b ?? a)
    .replace(/[<>`\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The message itself, below the header block the mail module writes. */
export function messageText(kind: 'mail_message' | 'chat_log', body: string): string {
  if (kind === 'chat_log') return body.split('\n').filter((l) => l.startsWith('- **')).map((l) => l.replace(/^- \*\*[^*]*\*\*\s*/, '')).join('\n');
  const at = body.search(/\n---\n/);
  return at >= 0 ? body.slice(at + 5) : body;
}

const factsSchema = z.object({
  invoice_number: z.string().nullish(),
  invoice_date: z.string().nullish(),
  invoice_amount: z.number().nullish(),
  invoice_vat: z.number().nullish(),
  invoice_currency: z.string().nullish(),
  invoice_due: z.string().nullish(),
  contract_number: z.string().nullish(),
  deadline: z.string().nullish(),
});

const PROVIDER: Record<string, Frontmatter<'mail_message'>['triaged_by']> = { learner: 'learner', ollama: 'local_model', openai: 'cloud' };

export interface TriageCounts {
  triaged: number;
  by_rule: number;
  by_thread: number;
  by_learner: number;
  by_local_model: number;
  by_cloud: number;
  undecided: number;
  skipped_edited: number;
}

/** The owner changed this key since the companion last wrote it (or set it before any triage). */
function ownerSet(fm: Record<string, unknown>, key: string): boolean {
  const wrote = parseWrote(fm[WROTE_KEY])?.get(key);
  return fm[key] !== undefined && fm[key] !== null && fm[key] !== '' && (wrote === undefined || valueDigest(fm[key]) !== wrote);
}

export async function triageAll(ctx: JobContext, opts: { limit?: number } = {}): Promise<{ counts: TriageCounts; problems: string[] }> {
  const { labels, descriptions, needs } = categoriesFromSettings(ctx.settings);
  const { rules, problems } = parseTriageRules(safeRules(ctx), labels);
  const t = catalogueFor(ctx);
  const profile = ctx.index.byKind('business_profile')[0]?.frontmatter;
  const own = new Set(identifiersOf({ tax_id: typeof profile?.tax_id === 'string' ? profile.tax_id : undefined, accounts: Array.isArray(profile?.own_accounts) ? (profile.own_accounts as string[]) : [] }));
  const ownAddresses = ctx.settings.string('mail_own_addresses').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const budget = ctx.settings.number('triage_context_tokens');
  const counts: TriageCounts = { triaged: 0, by_rule: 0, by_thread: 0, by_learner: 0, by_local_model: 0, by_cloud: 0, undecided: 0, skipped_edited: 0 };
  const mails = ctx.index.byKind('mail_message');
  // The earliest category of each thread, from the index and then from this run as it goes (date order).
  const threads = new Map<string, { date: string; category: string }>();
  for (const m of mails) {
    const key = m.frontmatter.thread_key, cat = m.frontmatter.category;
    if (typeof key !== 'string' || typeof cat !== 'string') continue;
    const date = String(m.frontmatter.date ?? '');
    const known = threads.get(key);
    if (!known || date < known.date) threads.set(key, { date, category: cat });
  }
  const todo = [...mails, ...ctx.index.byKind('chat_log')]
    .filter((e) => !e.frontmatter.triaged_by)
    .sort((a, b) => String(a.frontmatter.date).localeCompare(String(b.frontmatter.date)))
    .slice(0, opts.limit ?? Number.POSITIVE_INFINITY);
  const env = { rules, labels, descriptions, needs, t, own, ownAddresses, budget, threshold: ctx.settings.number('router_confidence_threshold'), threads, pack: { bodies: new Map<string, string>() } as PackCache };
  // Notes are written a batch at a time, one wait for the disk per batch, and the next batch is decided
  // while the last one's files are being written.
  const BATCH = 64;
  const tally = (decided: { source: NonNullable<Frontmatter<'mail_message'>['triaged_by']> }[], outcomes: WriteOutcome[]) =>
    outcomes.forEach((o, k) => {
      if (o === 'skipped') counts.skipped_edited++;
      else {
        counts.triaged++;
        counts[`by_${decided[k]!.source}` as 'by_rule']++;
      }
    });
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; i < todo.length && !ctx.signal.aborted; i += BATCH) {
    const decided: { path: string; patch: Record<string, unknown>; read: Note; source: NonNullable<Frontmatter<'mail_message'>['triaged_by']> }[] = [];
    for (const e of todo.slice(i, i + BATCH)) {
      if (ctx.signal.aborted) break;
      const r = await triageOne(ctx, e, env);
      if (r === 'undecided') counts.undecided++;
      else decided.push({ path: e.path, ...r });
    }
    await writing;
    writing = updateCompanionNotes(ctx, decided.map((d) => ({ path: d.path, patch: d.patch, read: d.read, skipIfEdited: true }))).then((o) => tally(decided, o));
  }
  await writing;
  return { counts, problems };
}

function safeRules(ctx: JobContext): Record<string, string>[] {
  try {
    return ctx.settings.rules('triage');
  } catch {
    return [];
  }
}

async function triageOne(
  ctx: JobContext,
  e: IndexEntry,
  env: {
    rules: ReturnType<typeof parseTriageRules>['rules']; labels: string[]; descriptions: Record<string, string>; needs: Categories['needs'];
    t: Catalogue; own: ReadonlySet<string>; ownAddresses: string[]; budget: number; threshold: number;
    threads: Map<string, { date: string; category: string }>; pack: PackCache;
  },
): Promise<{ patch: Record<string, unknown>; read: Note; source: NonNullable<Frontmatter<'mail_message'>['triaged_by']> } | 'undecided'> {
  const kind = e.kind as 'mail_message' | 'chat_log';
  const note = ctx.vault.readNote(e.path);
  const fm = note.frontmatter;
  const text = messageText(kind, note.body);
  const isMail = kind === 'mail_message';
  const subject = isMail ? String(fm.subject ?? '') : String(fm.chat ?? '');
  const sender = isMail ? `${String(fm.from_name ?? '')} <${String(fm.from ?? '')}>` : String((fm.participants as string[] | undefined)?.[0] ?? '');
  const sent = String(fm.date ?? '').slice(0, 10);
  const list = fm.list === true;
  const fromOwner = isMail && env.ownAddresses.some((a) => (a.startsWith('@') ? String(fm.from ?? '').toLowerCase().endsWith(a) : String(fm.from ?? '').toLowerCase() === a));
  const attachments = ((fm.attachments as string[] | undefined) ?? []).map((a) => a.replace(/^\[\[|\]\]$/g, '').split('|').pop()!.split('/').pop()!);

  const facts = extractFacts(`${subject}\n${text}`, { sent, own: env.own });
  const subjectForRules: RuleSubject = { sender, subject, body: text, attachments, ...(isMail ? {} : { chat: subject }) };
  const rule = firstMatch(env.rules, subjectForRules);

  let category = ownerSet(fm, 'category') ? String(fm.category) : rule?.set.category;
  let source: NonNullable<Frontmatter<'mail_message'>['triaged_by']> = 'rule';
  let confidence = 1;
  const pack = contextPack(ctx, e, env.budget, env.pack);
  const threadKey = isMail && typeof fm.thread_key === 'string' ? fm.thread_key : undefined;
  const thread = threadKey ? env.threads.get(threadKey)?.category : undefined;
  // The owner's own mail in a thread is about what the thread is about.
  if (!category && fromOwner && thread) {
    category = thread;
    source = 'thread';
  }
  if (!category) {
    // A category is offered only when the message has what it needs: a bill states its sum, an automatic
    // notice sets no deadline. A model cannot then call a request for an invoice an invoice.
    const has = { amount: statesAmount(`${subject}\n${text}`), no_deadline: facts.deadline === undefined };
    const offered = env.labels.filter((l) => (env.needs[l] ?? []).every((n) => has[n]));
    const r = await ctx.models.classify({
      tier: 'easy',
      module: 'triage',
      labels: offered.length ? offered : env.labels,
      descriptions: env.descriptions,
      item: { subject, body: text, from: sender, list },
      links: pack.links,
      ...(isMail ? { sender: String(fm.from ?? '') } : {}),
      context: pack.parts,
    });
    if (!r.ok) return 'undecided';
    category = r.value.label;
    source = PROVIDER[r.provider] ?? 'learner';
    confidence = Math.round(r.value.confidence * 1000) / 1000;
    // An unsure answer about a reply defers to its thread.
    if (thread && thread !== category && confidence < env.threshold && /^(re|aw|ответ|отв)\s*:/iu.test(subject)) {
      category = thread;
      source = 'thread';
    }
  }

  // A model for the invoice facts the readers missed, each one accepted only where the text states it.
  if (category === 'invoice' && (facts.invoice_number === undefined || facts.invoice_amount === undefined)) {
    const r = await ctx.models.extract({
      tier: 'easy', module: 'triage', schema: factsSchema, data: `${subject}\n${text}`, links: pack.links,
      instruction: 'Extract the invoice facts this message states: number, date, total amount, VAT amount, currency (ISO code), due date (YYYY-MM-DD), contract number, a deadline it sets.',
      ...(isMail ? { sender: String(fm.from ?? '') } : {}),
    });
    if (r.ok) {
      for (const [k, v] of Object.entries(r.value)) {
        const key = k as keyof Facts;
        if (v === null || v === undefined || facts[key] !== undefined) continue;
        if (!figureInText(key, v, `${subject}\n${text}`)) continue;
        (facts as Record<string, unknown>)[key] = typeof v === 'string' ? plainProperty(v) : v;
      }
    }
  }

  const a = assess({
    category, subject, text, facts, sent, list, fromOwner, catalogue: env.t,
    money: (amount, currency) => `${formatMoney(moneyFromNumber(amount))}${currency ? ` ${currency}` : ''}`,
  });
  const patch: Record<string, unknown> = {
    category,
    priority: rule?.set.priority ?? a.priority,
    summary: plainProperty(a.summary),
    triaged_by: source,
    confidence,
  };
  const next = rule?.set.next_step ?? a.nextStep;
  if (next) patch.next_step = plainProperty(next);
  for (const k of TRIAGE_KEYS) if (k in facts) patch[k] = (facts as Record<string, unknown>)[k];
  const status = rule?.set.status ?? (a.needsReply ? 'needs_reply' : undefined);
  if (status && fm.status === 'new') patch.status = status;
  if (threadKey && !env.threads.has(threadKey)) env.threads.set(threadKey, { date: String(fm.date ?? ''), category: String(ownerSet(fm, 'category') ? fm.category : category) });
  return { patch, read: note, source };
}

export const triageJob: Job = {
  name: 'triage',
  stage: 'passes',
  description: 'Gives every new mail and chat day a category, priority, summary, its facts and a next step; the owner\'s rules first, then the learner and the models.',
  triggers: [
    { kind: 'after', job: 'mail' },
    { kind: 'after', job: 'chats' },
    // Mail the live IDLE loop writes, and chat days, wake it too.
    { kind: 'notes', kinds: ['mail_message', 'chat_log'] },
  ],
  async run(ctx): Promise<JobResult> {
    const { counts, problems } = await triageAll(ctx);
    for (const p of problems) ctx.log.warn({ problem: p }, 'triage rule not used');
    if (counts.triaged === 0 && counts.undecided === 0 && problems.length === 0) return { status: 'skipped', summary: 'nothing new to triage' };
    const parts = [`${counts.triaged} triaged (rules ${counts.by_rule}, thread ${counts.by_thread}, learner ${counts.by_learner}, local model ${counts.by_local_model}, cloud ${counts.by_cloud})`];
    if (counts.undecided) parts.push(`${counts.undecided} left for later: no model could answer`);
    if (counts.skipped_edited) parts.push(`${counts.skipped_edited} left alone: edited by you`);
    if (problems.length) parts.push(`rules not used: ${problems.join('; ')}`);
    return { status: 'ok', summary: parts.join('; '), counts: { ...counts, rule_problems: problems.length } };
  },
};
