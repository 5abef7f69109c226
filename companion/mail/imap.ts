// IMAP sync with imapflow, shaped by its traps: an instance is single-use (a new client per
// connection, with backoff), an unhandled `error` kills the process (a handler on every client), a
// command inside a running fetch loop deadlocks (nothing inside the loop speaks IMAP: small messages
// are parsed from the bytes fetched, large ones are read after the loop), and default size limits
// are in GiB (ours are set). Large messages are never fetched whole: their text parts and
// attachments are downloaded part by part as streams.
import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { crashPoint } from '../core/crash-points.ts';
import type { MailAccount } from './accounts.ts';
import { fromParsedMail, parseMessage, PARSER_OPTIONS, type AttachmentSource, type MailContent } from './message.ts';
import { commitPrepared, discardPrepared, prepareMessage, type MailEnv, type Prepared } from './pipeline.ts';

/** Messages up to this size are fetched whole in a batch; larger ones part by part. */
export const WHOLE_FETCH_MAX = 1024 * 1024;
/** Messages per batch: fetched together, and made durable with one wait for the disk. */
const BATCH = 25;
/** Messages whose size and date are fetched in one command. */
const META_BATCH = 500; // a multiple of BATCH
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

/**
 * Syncs one mailbox from its checkpoint (or the first-sync window) to its end, a batch at a time, in
 * three overlapping steps: the next batch's bytes stream in while this batch is rendered, and this
 * batch is rendered while the previous one is made durable. Small messages are fetched whole; large
 * ones are read part by part while no fetch runs. A batch reaches the log whole or not at all, and
 * batches reach it in order, so the checkpoint (the highest UID logged) never passes a message left out.
 */
export async function syncMailbox(client: ImapFlow, env: MailEnv, account: MailAccount, mailbox: string, firstSyncDays: number): Promise<SyncCounts> {
  const counts: SyncCounts = { created: 0, known: 0, failed: 0 };
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  // The commit of the previous batch, running while the next one is rendered.
  let pending: Promise<void> | undefined;
  let commitFailed: { error: unknown } | undefined;
  // The batch being fetched and rendered: its temp files are removed if it never gets committed.
  let preparing: Prepared[] = [];
  const commit = (items: Prepared[]) => {
    const prev = pending;
    const p = (async () => {
      try {
        await prev;
      } catch (e) {
        await discardPrepared(items);
        throw e;
      }
      for (const o of await commitPrepared(env, items)) counts[o]++;
    })();
    // Awaited below; noted here so the next batch stops early, and never counted as unhandled meanwhile.
    p.catch((error: unknown) => (commitFailed ??= { error }));
    pending = p;
  };
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

    // Sizes and dates are asked for many messages at once (one round trip instead of one per batch).
    const known = new Map<number, FetchMessageObject>();
    let knownUntil = 0;
    const metasOf = async (i: number): Promise<FetchMessageObject[]> => {
      if (i >= knownUntil) {
        known.clear();
        knownUntil = i + META_BATCH;
        for await (const m of client.fetch(uids.slice(i, knownUntil).join(','), { uid: true, size: true, internalDate: true, emailId: true }, { uid: true })) known.set(m.uid, m);
      }
      return uids.slice(i, i + BATCH).flatMap((u) => (known.has(u) ? [known.get(u)!] : []));
    };
    // The bytes of a batch's small messages, collected while the batch before is rendered. Nothing
    // else speaks IMAP until it is awaited: a command issued during a fetch would deadlock.
    const fetchSmall = (metas: FetchMessageObject[]): Promise<Map<number, Buffer>> => {
      const small = metas.filter((m) => (m.size ?? 0) <= WHOLE_FETCH_MAX).map((m) => m.uid);
      const p = (async () => {
        const got = new Map<number, Buffer>();
        if (small.length) for await (const m of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) if (m.source) got.set(m.uid, m.source);
        return got;
      })();
      p.catch(() => undefined); // awaited before anything else is asked of the server
      return p;
    };

    let metas = uids.length ? await metasOf(0) : [];
    let fetching = fetchSmall(metas);
    try {
      for (let i = 0; i < uids.length; i += BATCH) {
        const sources = await fetching;
        const prepared: Prepared[] = (preparing = []);
        const prepare = async (meta: FetchMessageObject, read: () => Promise<MailContent>) => {
          const origin = {
            kind: 'imap' as const, account: account.name, mailbox, uidvalidity, uid: meta.uid,
            ...(meta.emailId ? { emailId: meta.emailId } : {}),
          };
          try {
            const fallback = meta.internalDate instanceof Date ? meta.internalDate : new Date(meta.internalDate ?? env.ctx.clock.now());
            prepared.push(await prepareMessage(env, await read(), origin, fallback));
          } catch (e) {
            if (isConnectionError(e, client)) throw e;
            // One bad message must not stop the mailbox: it is logged (so not retried forever) and counted.
            const reason = (e as Error).message.split('\n')[0]!.slice(0, 300);
            env.ctx.log.warn({ account: account.name, mailbox, uid: meta.uid, reason }, 'mail message not ingested');
            prepared.push({ kind: 'failed', entry: { t: 'imap', a: account.name, m: mailbox, v: uidvalidity, u: meta.uid, err: reason } });
          }
        };
        // Large messages part by part, while no fetch runs.
        for (const meta of metas) {
          if ((meta.size ?? 0) > WHOLE_FETCH_MAX) await prepare(meta, () => contentByParts(client, meta.uid));
        }
        const current = metas;
        const stop = env.ctx.signal.aborted || commitFailed !== undefined;
        // The next batch streams in while this one is rendered.
        metas = !stop && i + BATCH < uids.length ? await metasOf(i + BATCH) : [];
        fetching = fetchSmall(metas);
        for (const meta of current) {
          const source = sources.get(meta.uid);
          if (source) await prepare(meta, () => parseMessage(source));
        }
        sources.clear();
        crashPoint('mail.after-fetch');
        // At most one batch is being committed while the next is prepared: memory stays bounded.
        await pending?.catch(() => undefined);
        if (commitFailed) break;
        commit(prepared);
        preparing = [];
        if (stop) break;
      }
    } finally {
      // The server is done with any fetch before the mailbox is let go.
      await fetching.catch(() => undefined);
    }
    await pending;
  } catch (e) {
    // Entries staged by a batch that never reached the log are forgotten, so they are fetched again.
    await pending?.catch(() => undefined);
    await discardPrepared(preparing);
    env.log.reload();
    throw e;
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
