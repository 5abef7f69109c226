// Accounts into the vault: one pass over every mailbox (`aios once mail`, the schedule), or the live
// loop under `aios run` (IDLE on INBOX, a full pass every poll interval, reconnect with backoff).
// Connection faults never escape: they become the account's health in `aios status`.
import type { ImapFlow } from 'imapflow';
import type { JobContext } from '../core/job.ts';
import { secretName, type MailAccount } from './accounts.ts';
import { newClient, syncMailbox, type Credentials, type SyncCounts } from './imap.ts';
import { refreshTokenSource, type TokenSource } from './oauth.ts';
import type { MailEnv } from './pipeline.ts';

export class MissingSecret extends Error {}

const tokenSources = new Map<string, TokenSource>();

export async function credentials(ctx: JobContext, account: MailAccount): Promise<Credentials> {
  if (account.auth === 'password') {
    const pass = ctx.secrets.get(secretName(account.name, 'password'));
    if (!pass) throw new MissingSecret(`no password for mail account "${account.name}": run \`aios secret set ${secretName(account.name, 'password')}\` or set AIOS_${secretName(account.name, 'password').toUpperCase()}`);
    return { user: account.user, pass };
  }
  const refreshToken = ctx.secrets.get(secretName(account.name, 'refresh_token'));
  if (!refreshToken) throw new MissingSecret(`no refresh token for mail account "${account.name}": run \`aios secret set ${secretName(account.name, 'refresh_token')}\``);
  const clientSecret = ctx.secrets.get(secretName(account.name, 'client_secret'));
  const key = `${account.name}\u0000${account.tokenUrl}\u0000${refreshToken}`;
  let source = tokenSources.get(key);
  if (!source) {
    source = refreshTokenSource({ tokenUrl: account.tokenUrl!, clientId: account.clientId ?? '', refreshToken, ...(clientSecret ? { clientSecret } : {}) });
    tokenSources.set(key, source);
  }
  return { user: account.user, accessToken: await source.accessToken() };
}

function invalidateToken(account: MailAccount): void {
  for (const [k, s] of tokenSources) if (k.startsWith(`${account.name}\u0000`)) s.invalidate();
}

/** Passes over one account run one at a time in a process (the live loop and a scheduled pass share it). */
const accountLocks = new Map<string, Promise<unknown>>();

async function exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = accountLocks.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  accountLocks.set(key, next);
  try {
    return await next;
  } finally {
    if (accountLocks.get(key) === next) accountLocks.delete(key);
  }
}

async function connect(ctx: JobContext, account: MailAccount): Promise<ImapFlow> {
  let auth: Credentials;
  try {
    auth = await credentials(ctx, account);
  } catch (e) {
    if (e instanceof MissingSecret) throw e;
    throw new Error(`mail account "${account.name}": ${(e as Error).message}`);
  }
  const client = newClient(account, auth, (err) => ctx.log.warn({ account: account.name, err: err.message }, 'imap connection error'));
  try {
    await client.connect();
  } catch (e) {
    if ((e as { authenticationFailed?: boolean }).authenticationFailed) invalidateToken(account);
    client.close();
    const code = (e as { code?: string }).code;
    throw new Error(`${account.host}:${account.port}: ${(e as { authenticationFailed?: boolean }).authenticationFailed ? 'login refused' : (e as Error).message}${code ? ` (${code})` : ''}`);
  }
  return client;
}

async function passOnClient(ctx: JobContext, env: MailEnv, account: MailAccount, client: ImapFlow): Promise<SyncCounts> {
  const total: SyncCounts = { created: 0, known: 0, failed: 0 };
  env.log.refresh();
  for (const mailbox of account.mailboxes) {
    if (ctx.signal.aborted) break;
    let c: SyncCounts;
    try {
      c = await syncMailbox(client, env, account, mailbox, ctx.settings.number('mail_first_sync_days'));
    } catch (e) {
      // A mailbox that does not exist (a default `Sent` on a server calling it otherwise) is skipped, not fatal.
      if (client.usable && /nonexistent|doesn't exist|not exist|NONEXISTENT/i.test(`${(e as Error).message} ${(e as { responseText?: string }).responseText ?? ''}`)) {
        ctx.log.info({ account: account.name, mailbox }, 'mailbox not found, skipped');
        continue;
      }
      throw e;
    }
    total.created += c.created;
    total.known += c.known;
    total.failed += c.failed;
  }
  return total;
}

function healthy(ctx: JobContext, account: MailAccount, detail: string): void {
  ctx.reportHealth(`mail:${account.name}`, { ok: true, detail, last_ok: ctx.clock.localDateTime() });
}

function unhealthy(ctx: JobContext, account: MailAccount, detail: string): void {
  ctx.reportHealth(`mail:${account.name}`, { ok: false, detail });
}

/** One pass over an account on a fresh connection. */
export async function syncAccountOnce(ctx: JobContext, env: MailEnv, account: MailAccount): Promise<SyncCounts> {
  return exclusive(`${ctx.state.dir}\u0000${account.name}`, async () => {
    let client: ImapFlow | undefined;
    try {
      client = await connect(ctx, account);
      const c = await passOnClient(ctx, env, account, client);
      healthy(ctx, account, `synced ${account.mailboxes.join(', ')}: ${c.created} new${c.failed ? `, ${c.failed} unreadable` : ''}`);
      return c;
    } catch (e) {
      unhealthy(ctx, account, (e as Error).message);
      throw e;
    } finally {
      if (client) await closeQuietly(client);
    }
  });
}

async function closeQuietly(client: ImapFlow): Promise<void> {
  try {
    if (client.usable) await Promise.race([client.logout(), new Promise((r) => setTimeout(r, 2000))]);
  } catch {
    // already gone
  }
  client.close();
}

/** Waits for new mail, the poll interval, the connection's end, or the stop signal. */
function waitForWork(client: ImapFlow, ms: number, signal: AbortSignal): Promise<'exists' | 'poll' | 'closed' | 'stop'> {
  return new Promise((resolve) => {
    const done = (why: 'exists' | 'poll' | 'closed' | 'stop') => {
      clearTimeout(timer);
      client.off('exists', onExists);
      client.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onExists = () => done('exists');
    const onClose = () => done('closed');
    const onAbort = () => done('stop');
    const timer = setTimeout(() => done('poll'), ms);
    client.on('exists', onExists);
    client.on('close', onClose);
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) done('stop');
    else if (!client.usable) done('closed');
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** Backoff between reconnects: 1 s doubling to 60 s. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 60_000);
}

/** The live loop for one account: runs until the signal aborts; never throws. */
export async function serveAccount(ctx: JobContext, env: MailEnv, account: MailAccount, onPass?: (c: SyncCounts) => void): Promise<void> {
  const pollMs = ctx.settings.number('mail_poll_seconds') * 1000;
  for (let attempt = 0; !ctx.signal.aborted; ) {
    let client: ImapFlow | undefined;
    try {
      client = await connect(ctx, account);
      attempt = 0;
      const c = client;
      for (;;) {
        const counts = await exclusive(`${ctx.state.dir}\u0000${account.name}`, () => passOnClient(ctx, env, account, c));
        onPass?.(counts);
        healthy(ctx, account, `live: ${c.capabilities.has('IDLE') ? 'IDLE' : `polling every ${pollMs / 1000} s`}${counts.created ? `, ${counts.created} new` : ''}`);
        // Stay on INBOX so IDLE (started by imapflow once the connection is quiet) reports new mail.
        if (account.mailboxes.includes('INBOX')) {
          const lock = await c.getMailboxLock('INBOX', { readOnly: true });
          lock.release();
        }
        const why = await waitForWork(c, pollMs, ctx.signal);
        if (why === 'stop') break;
        if (why === 'closed') throw new Error(`${account.host}:${account.port}: connection closed`);
      }
    } catch (e) {
      if (e instanceof MissingSecret) {
        unhealthy(ctx, account, e.message);
        await sleep(backoffMs(6), ctx.signal);
        continue;
      }
      const wait = backoffMs(attempt++);
      unhealthy(ctx, account, `${(e as Error).message}; retrying in ${Math.round(wait / 1000)} s`);
      ctx.log.warn({ account: account.name, err: (e as Error).message, retryMs: wait }, 'mail connection lost');
      await sleep(wait, ctx.signal);
    } finally {
      if (client) await closeQuietly(client);
    }
  }
}
