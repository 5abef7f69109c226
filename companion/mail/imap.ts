// IMAP sync with imapflow, shaped by its traps: an instance is single-use (a new client per
// connection, with backoff), an unhandled `error` kills the process (a handler on every client), a
// command inside a running fetch loop deadlocks (UIDs and small sources are collected first, then
// processed), and default size limits are in GiB (ours are set). Large messages are never fetched
// whole: their text parts and attachments are downloaded part by part as streams.
import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { crashPoint } from '../core/crash-points.ts';
import type { MailAccount } from './accounts.ts';
import { fromParsedMail, parseMessage, PARSER_OPTIONS, type AttachmentSource, type MailContent } from './message.ts';
import { ingestMessage, type MailEnv } from './pipeline.ts';

/** Messages up to this size are fetched whole in a batch; larger ones part by part. */
export const WHOLE_FETCH_MAX = 1024 * 1024;
const BATCH = 100;
/** Text parts are read up to this; the note cuts far earlier anyway. */
const MAX_TEXT_PART = 4 * 1024 * 1024;

export type Credentials = { user: string; pass: string } | { user: string; accessToken: string };

export interface SyncCounts {
  created: number;
  known: number;
  failed: number;
}

export function newClient(account: MailAccount, auth: Credentials, onError: (e: Error) => void): ImapFlow {
  const client = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: account.security === 'tls',
    doSTARTTLS: account.security === 'starttls' ? true : account.security === 'none' ? false : undefined,
    auth,
    logger: false,
    // The server must be spoken to over loopback or TLS; plain text elsewhere is refused by the account row.
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    autoIdleDelay: 1000,
    maxLiteralSize: 64 * 1024 * 1024,
    maxLineLength: 1024 * 1024,
    maxResponseSize: 128 * 1024 * 1024,
    disableCompression: true,
    clientInfo: { name: 'aios' },
  } as ConstructorParameters<typeof ImapFlow>[0]);
  client.on('error', onError);
  return client;
}

export class ConnectionLost extends Error {}

/** True for errors of the connection itself (retry later), as opposed to one bad message. */
export function isConnectionError(e: unknown, client: ImapFlow): boolean {
  if (!client.usable) return true;
  const code = (e as { code?: string }).code ?? '';
  return /^(E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH)|NoConnection|ETIMEOUT|ClosedAfterConnect)/i.test(code);
}

/** Syncs one mailbox from its checkpoint (or the first-sync window) to its end. */
export async function syncMailbox(client: ImapFlow, env: MailEnv, account: MailAccount, mailbox: string, firstSyncDays: number): Promise<SyncCounts> {
  const counts: SyncCounts = { created: 0, known: 0, failed: 0 };
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  try {
    const mb = client.mailbox;
    if (!mb) throw new ConnectionLost(`${mailbox}: not selected`);
    const uidvalidity = Number(mb.uidValidity);
    const checkpoint = env.log.checkpoint(account.name, mailbox, uidvalidity);
    let uids: number[];
    if (mb.exists === 0) uids = [];
    else if (checkpoint === 0) {
      // A first sync, or a new UIDVALIDITY: old UIDs mean nothing now, so the window is enumerated
      // again and the content keys keep what was ingested from being made twice.
      const since = new Date(env.ctx.clock.now().getTime() - firstSyncDays * 86_400_000);
      uids = (await client.search({ since }, { uid: true })) || [];
      // uidNext is not refreshed while the mailbox stays selected (EXISTS does not carry it): always ask.
    } else uids = (await client.search({ uid: `${checkpoint + 1}:*` }, { uid: true })) || [];
    uids = uids.filter((u) => u > checkpoint && !env.log.hasUid(account.name, mailbox, uidvalidity, u)).sort((a, b) => a - b);

    for (let i = 0; i < uids.length; i += BATCH) {
      if (env.ctx.signal.aborted) break;
      const batch = uids.slice(i, i + BATCH);
      // Collect first, act after: no command may run while a fetch is streaming.
      const metas: FetchMessageObject[] = [];
      for await (const m of client.fetch(batch.join(','), { uid: true, size: true, internalDate: true, emailId: true }, { uid: true })) metas.push(m);
      const small = metas.filter((m) => (m.size ?? 0) <= WHOLE_FETCH_MAX).map((m) => m.uid);
      const sources = new Map<number, Buffer>();
      if (small.length) {
        for await (const m of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) if (m.source) sources.set(m.uid, m.source);
      }
      crashPoint('mail.after-fetch');
      metas.sort((a, b) => a.uid - b.uid);
      for (const meta of metas) {
        const origin = {
          kind: 'imap' as const, account: account.name, mailbox, uidvalidity, uid: meta.uid,
          ...(meta.emailId ? { emailId: meta.emailId } : {}),
        };
        try {
          const source = sources.get(meta.uid);
          const content = source ? await parseMessage(source) : await contentByParts(client, meta.uid);
          sources.delete(meta.uid);
          const fallback = meta.internalDate instanceof Date ? meta.internalDate : new Date(meta.internalDate ?? env.ctx.clock.now());
          const r = await ingestMessage(env, content, origin, fallback);
          counts[r.outcome]++;
        } catch (e) {
          if (isConnectionError(e, client)) throw e;
          // One bad message must not stop the mailbox: it is logged (so not retried forever) and counted.
          const reason = (e as Error).message.split('\n')[0]!.slice(0, 300);
          env.ctx.log.warn({ account: account.name, mailbox, uid: meta.uid, reason }, 'mail message not ingested');
          env.log.record({ t: 'imap', a: account.name, m: mailbox, v: uidvalidity, u: meta.uid, err: reason });
          counts.failed++;
        }
      }
    }
  } finally {
    lock.release();
  }
  return counts;
}

/** A large message by its parts: headers parsed alone, text parts read, attachments opened as download streams. */
async function contentByParts(client: ImapFlow, uid: number): Promise<MailContent> {
  const meta = await client.fetchOne(String(uid), { uid: true, headers: true, bodyStructure: true }, { uid: true });
  if (!meta || !meta.headers || !meta.bodyStructure) throw new Error(`message ${uid} vanished while being read`);
  const head = fromParsedMail(await simpleParser(Buffer.concat([meta.headers, Buffer.from('\r\n')]), PARSER_OPTIONS));
  const texts: { type: string; part: string }[] = [];
  const attachments: AttachmentSource[] = [];
  const walk = (node: MessageStructureObject) => {
    const type = node.type.toLowerCase();
    if (node.childNodes?.length && type !== 'message/rfc822') {
      for (const c of node.childNodes) walk(c);
      return;
    }
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    const isAttachment = node.disposition?.toLowerCase() === 'attachment' || !(type === 'text/plain' || type === 'text/html');
    const part = node.part ?? '1';
    if (!isAttachment) texts.push({ type, part });
    else {
      // The encoded size overstates base64 by a third: estimate the decoded size for the limit.
      const encoded = node.size ?? 0;
      const size = node.encoding?.toLowerCase() === 'base64' ? Math.floor((encoded * 3) / 4) : encoded;
      attachments.push({
        name: name ?? '',
        contentType: type,
        size,
        open: async () => {
          const dl = await client.download(String(uid), part, { uid: true });
          if (!('content' in dl) || !dl.content) throw new Error(`part ${part} is gone`);
          return dl.content as Readable;
        },
      });
    }
  };
  walk(meta.bodyStructure);
  const read = async (part: string): Promise<string> => {
    const dl = await client.download(String(uid), part, { uid: true, maxBytes: MAX_TEXT_PART });
    if (!('content' in dl) || !dl.content) return '';
    const chunks: Buffer[] = [];
    for await (const c of dl.content as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  };
  const plain = texts.find((t) => t.type === 'text/plain');
  const html = texts.find((t) => t.type === 'text/html');
  const text = plain ? await read(plain.part) : undefined;
  const htmlText = !text?.trim() && html ? await read(html.part) : undefined;
  return {
    ...head,
    ...(text?.trim() ? { text } : {}),
    ...(htmlText?.trim() ? { html: htmlText } : {}),
    attachments,
  };
}
