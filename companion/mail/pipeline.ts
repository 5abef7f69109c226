// Messages, from whatever source, into the vault exactly once: known identities are skipped,
// attachments go into the message's own folder, notes are created (never replaced) a batch at a
// time, and only then is the batch logged as ingested. The counterparty is resolved, and a second
// message from an unknown business domain files one counterparty proposal.
import { catalogueFor } from '../core/i18n/index.ts';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { companionStamp } from '../core/frontmatter.ts';
import { crashPoint } from '../core/crash-points.ts';
import { whenCounterpartiesChanged } from '../core/relink.ts';
import type { JobContext } from '../core/job.ts';
import { identifiersInText, identifiersOf, kindSpec, linkTo, nameIdentifier } from '../../contract/index.ts';
import { attachmentFileNames, attachmentFolder, formatSize } from './attachments.ts';
import {
  DEFAULT_FREE_MAIL_DOMAINS, domainOf, otherParties, proposalDomain, proposedName, resolveCounterparty,
  type CounterpartyRef, type OwnIdentity,
} from './counterparty.ts';
import { bodyHash, contentKey } from './identity.ts';
import { IngestLog, type LogEntry } from './ingest-log.ts';
import type { MailContent } from './message.ts';
import { mailFrontmatter, renderMail, type MailOrigin, type RenderedAttachment } from './render.ts';
import { discardNotes, linkNotes, stageFile, stageNote, writeRoom, type StagedNote } from '../core/note-batch.ts';

export interface MailEnv {
  ctx: JobContext;
  /** The business's own tax id and accounts: never taken as a sender's. */
  ownIdentifiers: ReadonlySet<string>;
  log: IngestLog;
  own: OwnIdentity;
  freeMail: ReadonlySet<string>;
  counterparties: CounterpartyRef[];
  maxAttachmentBytes: number;
}

export type IngestOutcome = 'created' | 'known';

/** Reads what the pipeline needs from the context once per run. */
export function mailEnv(ctx: JobContext, ownAddresses: readonly string[]): MailEnv {
  const freeRows = safeRules(ctx, 'free_mail_domains').map((r) => (r.domain ?? Object.values(r)[0] ?? '').trim().toLowerCase()).filter(Boolean);
  const freeMail = new Set(freeRows.length ? freeRows : DEFAULT_FREE_MAIL_DOMAINS);
  const own: OwnIdentity = { addresses: new Set(), domains: new Set() };
  const extra = ctx.settings.string('mail_own_addresses').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const a of [...ownAddresses, ...extra]) {
    if (a.startsWith('@')) own.domains.add(a.slice(1));
    else if (a.includes('@')) {
      own.addresses.add(a);
      if (!freeMail.has(domainOf(a))) own.domains.add(domainOf(a));
    } else own.domains.add(a);
  }
  const profile = ctx.index.byKind('business_profile')[0]?.frontmatter;
  const ownIdentifiers = new Set(identifiersOf({ tax_id: typeof profile?.tax_id === 'string' ? profile.tax_id : undefined, accounts: Array.isArray(profile?.own_accounts) ? (profile.own_accounts as string[]) : [] }));
  return {
    ctx,
    ownIdentifiers,
    log: ingestLogFor(ctx),
    own,
    freeMail,
    counterparties: counterpartyRefs(ctx),
    maxAttachmentBytes: Math.round(ctx.settings.number('mail_attachment_max_mb') * 1024 * 1024),
  };
}

const logs = new Map<string, IngestLog>();

/** One log per state folder in a process, so the live loop and a scheduled pass see the same memory. */
export function ingestLogFor(ctx: JobContext): IngestLog {
  let log = logs.get(ctx.state.dir);
  if (!log) logs.set(ctx.state.dir, (log = new IngestLog(ctx.state)));
  else log.refresh();
  return log;
}

function safeRules(ctx: JobContext, type: 'free_mail_domains'): Record<string, string>[] {
  try {
    return ctx.settings.rules(type);
  } catch {
    return [];
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function counterpartyRefs(ctx: JobContext): CounterpartyRef[] {
  return ctx.index.byKind('counterparty').map((e) => ({
    note: e.name,
    name: typeof e.frontmatter.name === 'string' ? e.frontmatter.name : e.name,
    emails: strings(e.frontmatter.emails),
    domains: strings(e.frontmatter.domains),
    aliases: [...strings(e.frontmatter.aliases), ...strings(e.frontmatter.telegram)],
  }));
}

/** Counts bytes and fails the stream past the limit, so a lying size header cannot fill the disk. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(new Error(`larger than ${formatSize(this.limit)}`));
    else cb(null, chunk);
  }
}

function identityEntry(origin: MailOrigin): LogEntry {
  return origin.kind === 'imap'
    ? { t: 'imap', a: origin.account, m: origin.mailbox, v: origin.uidvalidity, u: origin.uid, ...(origin.emailId ? { e: origin.emailId } : {}) }
    : { t: 'file' };
}

/** A message made ready for its batch: its note rendered (attachments already saved), or nothing to write. */
export type Prepared =
  | { kind: 'note'; entry: LogEntry; note: StagedNote; files: StagedNote[]; proposeFor?: string; duplicate?: { messageId: string; firstKey: string; subject: string } }
  | { kind: 'known'; entry: LogEntry; path: string }
  | { kind: 'failed'; entry: LogEntry };

/**
 * Everything for one message short of putting its note in place: the identity checks, the
 * counterparty, the attachments, the rendered note (its temp file being written). Its log entry is
 * staged, so later messages of the batch see it; it reaches the disk with the batch in commitPrepared.
 */
export async function prepareMessage(env: MailEnv, content: MailContent, origin: MailOrigin, fallbackDate: Date): Promise<Prepared> {
  const { ctx, log } = env;
  const hash = bodyHash(content);
  const key = contentKey(content.messageId, hash);
  const id = identityEntry(origin);

  // The same message seen before (another mailbox, a label, the same file again, or a note the owner deleted).
  const byEmailId = origin.kind === 'imap' && origin.emailId ? log.emailIdPath(origin.account, origin.emailId) : undefined;
  const known = byEmailId ?? log.contentPath(key);
  if (known !== undefined) {
    const entry: LogEntry = { ...id, k: key, ...(known ? { p: known } : {}) };
    if (origin.kind === 'imap') log.stage(entry);
    return { kind: 'known', entry, path: known };
  }
  const firstHash = content.messageId ? log.bodyHashOf(content.messageId) : undefined;

  const date = ctx.clock.localDateTime(content.date ?? fallbackDate);
  const parties = otherParties(content, env.own);
  const cp = resolveCounterparty(parties, env.counterparties, env.freeMail);
  const input = { content, date, bodyHash: hash, origin, attachments: [] as RenderedAttachment[], ...(cp ? { counterparty: cp.note } : {}) };
  const path = ctx.vault.pathFor('mail_message', mailFrontmatter(input));

  const files: StagedNote[] = [];
  let note: StagedNote;
  let entry: LogEntry;
  let domain: string | undefined;
  try {
    if (content.attachments.length) input.attachments = await saveAttachments(env, content, attachmentFolder(ctx.settings.string('attachments_folder'), noteName(path), date), files);
    const { frontmatter, body } = renderMail(input);
    const fm: Record<string, unknown> = { ...frontmatter };
    Object.assign(fm, companionStamp(kindSpec('mail_message'), fm, body));

    domain = cp ? undefined : proposalDomain(parties, content.list, env.freeMail, env.own);
    const sender = parties.find((p) => domainOf(p.address) === domain);
    const stated = domain ? identifiersInText(body, env.ownIdentifiers) : [];
    entry = {
      ...id, k: key, p: path,
      ...(domain ? { d: domain, ...(sender?.name ? { n: sender.name } : {}), ...(sender ? { f: sender.address } : {}), ...(stated.length ? { x: stated } : {}) } : {}),
    };
    // The note's temp file is written and fsync'd in the background from here; the batch links it.
    await writeRoom();
    note = stageNote(ctx, { path, frontmatter: fm, body });
  } catch (e) {
    await discardNotes(files); // staged attachments of a message that will not be committed
    throw e;
  }
  log.stage(entry);
  return {
    kind: 'note', entry, note, files,
    ...(domain ? { proposeFor: domain } : {}),
    ...(firstHash !== undefined && firstHash !== hash && content.messageId
      ? { duplicate: { messageId: content.messageId, firstKey: contentKey(content.messageId, firstHash), subject: content.subject } }
      : {}),
  };
}

/**
 * Saves a message's attachments into its folder. Bytes already in memory (a small message read whole)
 * are staged like the note and put in place with it; larger ones are streamed into the vault now.
 */
async function saveAttachments(env: MailEnv, content: MailContent, folder: string, staged: StagedNote[]): Promise<RenderedAttachment[]> {
  const { ctx } = env;
  const attachments: RenderedAttachment[] = [];
  const names = attachmentFileNames(content.attachments);
  for (const [i, a] of content.attachments.entries()) {
    const name = names[i]!;
    if (a.size > env.maxAttachmentBytes) {
      attachments.push({ name, size: a.size, skipped: 'too large, not downloaded' });
      continue;
    }
    const rel = `${folder}/${name}`;
    // A retry after a crash finds the file it saved before (writes are whole or absent).
    if (ctx.vault.exists(rel)) {
      attachments.push({ name, size: ctx.vault.size(rel), path: rel });
      continue;
    }
    if (a.content && a.content.length <= env.maxAttachmentBytes) {
      staged.push(stageFile(ctx, rel, a.content));
      attachments.push({ name, size: a.content.length, path: rel });
      crashPoint('mail.after-attachment');
      continue;
    }
    const limit = new ByteLimit(env.maxAttachmentBytes);
    try {
      const src: Readable = await a.open();
      const saved = await ctx.vault.writeFileFromStream(rel, src.pipe(limit));
      attachments.push({ name, size: limit.bytes, path: saved });
    } catch (e) {
      attachments.push({ name, size: Math.max(a.size, limit.bytes), skipped: `not saved: ${(e as Error).message}` });
    }
    crashPoint('mail.after-attachment');
  }
  return attachments;
}

/**
 * Writes a batch: its notes durably (one wait for the disk), then the proposals and decisions they
 * raise (each once per finding key, so a crash before the checkpoint repeats them harmlessly), then
 * its log entries with one fsync, which moves the checkpoint. Returns each message's outcome.
 */
export async function commitPrepared(env: MailEnv, items: readonly Prepared[]): Promise<(IngestOutcome | 'failed')[]> {
  const { ctx, log } = env;
  // Attachments first, so a note never links to a file that is not there yet.
  const files = items.flatMap((p) => (p.kind === 'note' ? p.files : []));
  const notes = items.flatMap((p) => (p.kind === 'note' ? [p.note] : []));
  let written: ('created' | 'exists')[];
  try {
    written = (await linkNotes(ctx, [...files, ...notes])).slice(files.length);
  } catch (e) {
    await discardNotes([...files, ...notes]);
    throw e;
  }
  crashPoint('mail.after-note');
  let n = 0;
  const outcomes = items.map((p): IngestOutcome | 'failed' => (p.kind === 'note' ? (written[n++] === 'created' ? 'created' : 'known') : p.kind));
  for (const p of items) {
    if (p.kind !== 'note') continue;
    if (p.proposeFor) await maybePropose(env, p.proposeFor);
    if (p.duplicate) {
      const first = log.contentPath(p.duplicate.firstKey);
      const t = catalogueFor(ctx);
      await ctx.addDecision({
        finding_key: `mail-duplicate:${p.duplicate.messageId}`,
        kind: 'mail_duplicate',
        title: t['mail.duplicate.title']({ subject: plainTitle(p.duplicate.subject).slice(0, 60) }),
        why: t['mail.duplicate.why'](),
        options: (['keep_both', 'delete_newer'] as const).map((id) => ({ id, text: t[`mail.duplicate.${id}`]() })),
        severity: 'low',
        module: 'mail',
        evidence: [...(first ? [linkTo(noteName(first))] : []), linkTo(noteName(p.note.path))],
        targets: [`note:${p.note.path}`],
      });
    }
  }
  await log.append(items.filter((p) => p.kind !== 'known' || p.entry.t === 'imap').map((p) => p.entry));
  crashPoint('mail.after-checkpoint');
  return outcomes;
}

/** Removes what prepared items left on disk when their batch will not be committed. */
export async function discardPrepared(items: readonly Prepared[]): Promise<void> {
  await discardNotes(items.flatMap((p) => (p.kind === 'note' ? [...p.files, p.note] : [])));
}

/** Ingests one message on its own (a dropped file). Returns 'known' when a note for it exists or existed. */
export async function ingestMessage(env: MailEnv, content: MailContent, origin: MailOrigin, fallbackDate: Date): Promise<{ outcome: IngestOutcome; path: string }> {
  let p: Prepared | undefined;
  try {
    p = await prepareMessage(env, content, origin, fallbackDate);
    const [outcome] = await commitPrepared(env, [p]);
    return { outcome: outcome === 'created' ? 'created' : 'known', path: p.kind === 'note' ? p.note.path : p.kind === 'known' ? p.path : '' };
  } catch (e) {
    if (p) await discardPrepared([p]);
    env.log.reload();
    throw e;
  }
}

const noteName = (path: string) => path.slice(path.lastIndexOf('/') + 1, -3);

/** The sender's subject as a title the queue shows as a heading: no character Markdown or HTML acts on. */
export function plainTitle(s: string): string {
  return s.replace(/[[\]()<>`!|#^%$*_~=\\{}]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The proposal rule: an unknown business domain with at least two messages, once per domain. */
async function maybePropose(env: MailEnv, domain: string): Promise<void> {
  if (env.log.proposed.has(domain)) return;
  const seen = env.log.domains.get(domain);
  if (!seen || seen.notes.size < 2) return;
  const notes = [...seen.notes].slice(0, 5).map((p) => linkTo(noteName(p)));
  const name = proposedName(domain, [...seen.names]);
  const stated = [...seen.identifiers];
  const taxes = stated.filter((i) => i.startsWith('tax:'));
  const nameId = nameIdentifier(name);
  await env.ctx.addProposal({
    proposal_type: 'counterparty',
    finding_key: `domain:${domain}`,
    proposed_name: name,
    source: 'mail',
    emails: [...seen.emails].slice(0, 10),
    domains: [domain],
    // What the mail states about the firm (its tax id, its accounts) and its name: a pass over the bank
    // that sees the same firm merges into this proposal instead of filing a second one.
    identifiers: [...stated, ...(nameId ? [nameId] : [])],
    ...(taxes.length === 1 ? { tax_id: taxes[0]!.slice(4) } : {}),
    accounts: stated.filter((i) => i.startsWith('account:')).map((i) => i.slice(8)),
    evidence: notes,
    details: `${seen.notes.size} messages from ${domain}, which matches no counterparty.`,
  });
  // Filed now, or found filed (or refused) before: either way never asked again by this process.
  env.log.proposed.add(domain);
}

/** Links mail notes that name no counterparty to one a counterparty note now matches (a proposal was accepted). */
export function relinkMail(ctx: JobContext, ownAddresses: readonly string[]): number {
  return whenCounterpartiesChanged(ctx, () => {
    const env = mailEnv(ctx, ownAddresses);
    let linked = 0;
    for (const e of ctx.index.byKind('mail_message')) {
      const f = e.frontmatter;
      if (f.counterparty) continue;
      const addr = (a: unknown, name?: unknown) => ({ address: String(a).toLowerCase(), name: typeof name === 'string' ? name : '' });
      const parties = otherParties({
        from: typeof f.from === 'string' && f.from ? addr(f.from, f.from_name) : undefined,
        to: ((f.to as string[] | undefined) ?? []).map((a) => addr(a)),
        cc: ((f.cc as string[] | undefined) ?? []).map((a) => addr(a)),
      }, env.own);
      const cp = resolveCounterparty(parties, env.counterparties, env.freeMail);
      if (!cp) continue;
      const r = ctx.vault.updateCompanionKeys(e.path, { counterparty: linkTo(cp.note) }, { skipIfEdited: true });
      if (r.outcome === 'updated' && ctx.index.get(e.path)?.frontmatter.counterparty) linked++;
    }
    return linked;
  });
}
