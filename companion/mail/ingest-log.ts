// What has been ingested, as an append-only log in the job's state folder. Lines are appended (one
// write and one fsync per batch) only after the batch's notes are durably in the vault, so the log is
// the checkpoint: the highest UID logged per (account, mailbox, UIDVALIDITY); a batch is logged whole
// or not at all, so the logged UIDs never have a gap below it. The log also remembers every identity
// and content key, so a note the owner deleted is never recreated and a copy in another mailbox is known.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { StateDir } from '../core/state.ts';

export const LOG_FILE = 'ingested.jsonl';

export interface LogEntry {
  /** imap or file */
  t: 'imap' | 'file';
  a?: string;
  m?: string;
  v?: number;
  u?: number;
  /** emailId where the server offers one. */
  e?: string;
  /** Content key (Message-ID + body hash). */
  k?: string;
  /** Note path, when a note stands for it. */
  p?: string;
  /** Business domain of an unknown sender, for the proposal rule. */
  d?: string;
  /** Sender display name and address, for a proposal's prefill. */
  n?: string;
  f?: string;
  /** Identifiers the message states about its sender (a tax id or account in the signature). */
  x?: string[];
  /** Why no note was made. */
  err?: string;
}

const idKey = (a: string, m: string, v: number, u: number) => `${a}\u0000${m}\u0000${v}\u0000${u}`;
const boxKey = (a: string, m: string, v: number) => `${a}\u0000${m}\u0000${v}`;

export interface DomainSeen {
  names: Set<string>;
  emails: Set<string>;
  identifiers: Set<string>;
  /** Notes of distinct messages: its size is the count. */
  notes: Set<string>;
}

export class IngestLog {
  private ids = new Set<string>();
  private checkpoints = new Map<string, number>();
  private contents = new Map<string, string>();
  private emailIds = new Map<string, string>();
  private messageIds = new Map<string, string>();
  domains = new Map<string, DomainSeen>();
  /** Domains whose proposal was filed (or found filed) by this process: not asked again. */
  readonly proposed = new Set<string>();

  /** Bytes of the log file read so far. */
  private offset = 0;

  constructor(private readonly state: StateDir) {
    this.refresh();
  }

  /** Reads lines appended since the last read (by this or another run in the process). Remembering is idempotent. */
  refresh(): void {
    const file = this.state.path(LOG_FILE);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) return;
    this.offset += end + 1;
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      if (line === '') continue;
      let e: LogEntry;
      try {
        e = JSON.parse(line) as LogEntry;
      } catch {
        // A line cut by a crash mid-append: the message is fetched again and found by its note.
        continue;
      }
      this.remember(e);
    }
  }

  private remember(e: LogEntry): void {
    if (e.t === 'imap' && e.a !== undefined && e.m !== undefined && e.v !== undefined && e.u !== undefined) {
      this.ids.add(idKey(e.a, e.m, e.v, e.u));
      const bk = boxKey(e.a, e.m, e.v);
      if ((this.checkpoints.get(bk) ?? 0) < e.u) this.checkpoints.set(bk, e.u);
      if (e.e) this.emailIds.set(`${e.a}\u0000${e.e}`, e.p ?? '');
    }
    if (e.k) {
      if (!this.contents.has(e.k)) this.contents.set(e.k, e.p ?? '');
      const [mid, hash] = splitKey(e.k);
      if (mid && !this.messageIds.has(mid)) this.messageIds.set(mid, hash);
    }
    if (e.d && e.p) {
      const seen = this.domains.get(e.d) ?? { names: new Set<string>(), emails: new Set<string>(), identifiers: new Set<string>(), notes: new Set<string>() };
      if (e.n) seen.names.add(e.n);
      if (e.f) seen.emails.add(e.f);
      for (const x of e.x ?? []) seen.identifiers.add(x);
      seen.notes.add(e.p);
      this.domains.set(e.d, seen);
    }
  }

  /** Remembers an entry before it is durable, so the next messages of the same batch see it. */
  stage(e: LogEntry): void {
    this.remember(e);
  }

  /** Appends a batch's entries with one write and one fsync: the checkpoint moves here. */
  async append(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const fh = await open(this.state.path(LOG_FILE), 'a', 0o600);
    try {
      // One write with O_APPEND: two batches never interleave their lines.
      const bytes = Buffer.from(entries.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
      for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
    for (const e of entries) this.remember(e);
  }

  /** Forgets what was staged but never appended (a batch that failed), by reading the log again. */
  reload(): void {
    this.ids = new Set();
    this.checkpoints = new Map();
    this.contents = new Map();
    this.emailIds = new Map();
    this.messageIds = new Map();
    this.domains = new Map();
    this.offset = 0;
    this.refresh();
  }

  hasUid(account: string, mailbox: string, uidvalidity: number, uid: number): boolean {
    return this.ids.has(idKey(account, mailbox, uidvalidity, uid));
  }

  /** Highest UID ingested in this mailbox under this UIDVALIDITY (0: none yet, a first sync). */
  checkpoint(account: string, mailbox: string, uidvalidity: number): number {
    return this.checkpoints.get(boxKey(account, mailbox, uidvalidity)) ?? 0;
  }

  /** True when any UIDVALIDITY of this mailbox has been synced before. */
  knowsMailbox(account: string, mailbox: string): boolean {
    const prefix = `${account}\u0000${mailbox}\u0000`;
    for (const k of this.checkpoints.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /** Note path (possibly '' when none) of a content key already ingested. */
  contentPath(key: string): string | undefined {
    return this.contents.get(key);
  }

  emailIdPath(account: string, emailId: string): string | undefined {
    return this.emailIds.get(`${account}\u0000${emailId}`);
  }

  /** Body hash first seen with this Message-ID. */
  bodyHashOf(messageId: string): string | undefined {
    return this.messageIds.get(messageId);
  }
}

export function splitKey(key: string): [string, string] {
  const bar = key.lastIndexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}
