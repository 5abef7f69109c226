// One message, from whatever source, into the vault exactly once: known identities are skipped,
// attachments are streamed into the message's own folder, the note is created (never replaced),
// and only then is the message logged as ingested. The counterparty is resolved, and a second
// message from an unknown business domain files one counterparty proposal.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { contentHash } from '../core/frontmatter.ts';
import { crashPoint } from '../core/crash-points.ts';
import type { JobContext } from '../core/job.ts';
import { kindSpec, linkTo } from '../../contract/index.ts';
import { attachmentFileNames, attachmentFolder, formatSize } from './attachments.ts';
import {
  DEFAULT_FREE_MAIL_DOMAINS, domainOf, otherParties, proposalDomain, proposedName, resolveCounterparty,
  type CounterpartyRef, type OwnIdentity,
} from './counterparty.ts';
import { bodyHash, contentKey } from './identity.ts';
import { IngestLog, type LogEntry } from './ingest-log.ts';
import type { MailContent } from './message.ts';
import { renderMail, type MailOrigin, type RenderedAttachment } from './render.ts';

export interface MailEnv {
  ctx: JobContext;
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
  return {
    ctx,
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

/** Ingests one message. Returns 'known' when a note for it exists or existed (and is not made again). */
export async function ingestMessage(env: MailEnv, content: MailContent, origin: MailOrigin, fallbackDate: Date): Promise<{ outcome: IngestOutcome; path: string }> {
  const { ctx, log } = env;
  const hash = bodyHash(content);
  const key = contentKey(content.messageId, hash);
  const id = identityEntry(origin);

  // The same message seen before (another mailbox, a label, the same file again, or a note the owner deleted).
  const byEmailId = origin.kind === 'imap' && origin.emailId ? log.emailIdPath(origin.account, origin.emailId) : undefined;
  const known = byEmailId ?? log.contentPath(key);
  if (known !== undefined) {
    if (origin.kind === 'imap') log.record({ ...id, k: key, ...(known ? { p: known } : {}) });
    return { outcome: 'known', path: known };
  }
  const firstHash = content.messageId ? log.bodyHashOf(content.messageId) : undefined;

  const date = ctx.clock.localDateTime(content.date ?? fallbackDate);
  const parties = otherParties(content, env.own);
  const cp = resolveCounterparty(parties, env.counterparties, env.freeMail);

  const draft = renderMail({ content, date, bodyHash: hash, origin, attachments: [], ...(cp ? { counterparty: cp.note } : {}) });
  const path = ctx.vault.pathFor('mail_message', draft.frontmatter);
  const base = path.slice(path.lastIndexOf('/') + 1, -3);

  const attachments: RenderedAttachment[] = [];
  if (content.attachments.length) {
    const names = attachmentFileNames(content.attachments);
    const folder = attachmentFolder(ctx.settings.string('attachments_folder'), base, date);
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
  }

  const { frontmatter, body } = renderMail({ content, date, bodyHash: hash, origin, attachments, ...(cp ? { counterparty: cp.note } : {}) });
  const fm: Record<string, unknown> = { ...frontmatter };
  fm.aios_hash = contentHash(fm, body, kindSpec('mail_message').otherSideMay);
  const outcome = ctx.vault.createNote(path, fm, body);
  crashPoint('mail.after-note');

  const domain = cp ? undefined : proposalDomain(parties, content.list, env.freeMail, env.own);
  const sender = parties.find((p) => domainOf(p.address) === domain);
  log.record({
    ...id, k: key, p: path,
    ...(domain ? { d: domain, ...(sender?.name ? { n: sender.name } : {}), ...(sender ? { f: sender.address } : {}) } : {}),
  });
  crashPoint('mail.after-checkpoint');

  if (domain) await maybePropose(env, domain);
  if (firstHash !== undefined && firstHash !== hash && outcome === 'created') {
    await ctx.addDecision({
      finding_key: `mail-duplicate:${content.messageId}`,
      kind: 'mail_duplicate',
      title: `Two versions of the mail "${content.subject.slice(0, 60)}"`,
      why: 'Two messages carry the same Message-ID but different text; one may be a copy rewritten by a server, or a different mail.',
      options: ['Keep both', 'Delete the newer note'],
      severity: 'low',
      module: 'mail',
      evidence: [linkTo(base)],
    });
  }
  return { outcome: outcome === 'created' ? 'created' : 'known', path };
}

/** The proposal rule: an unknown business domain with at least two messages, once per domain. */
async function maybePropose(env: MailEnv, domain: string): Promise<void> {
  const seen = env.log.domains.get(domain);
  if (!seen || seen.notes.size < 2) return;
  const notes = [...seen.notes].slice(0, 5).map((p) => linkTo(p.slice(p.lastIndexOf('/') + 1, -3)));
  await env.ctx.addProposal({
    proposal_type: 'counterparty',
    finding_key: `domain:${domain}`,
    proposed_name: proposedName(domain, [...seen.names]),
    source: 'mail',
    emails: [...seen.emails].slice(0, 10),
    domains: [domain],
    evidence: notes,
    details: `${seen.notes.size} messages from ${domain}, which matches no counterparty.`,
  });
}
