// What has been ingested, as an append-only log in the job's state folder (fsync'd per line). One line
// is written only after a message's note is durably in the vault, so the log is the checkpoint: the
// highest UID logged per (account, mailbox, UIDVALIDITY). It also remembers every identity and
// content key, so a note the owner deleted is never recreated and a copy in another mailbox is known.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
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
  /** Why no note was made. */
  err?: string;
}

const idKey = (a: string, m: string, v: number, u: number) => `${a}\u0000${m}\u0000${v}\u0000${u}`;
const boxKey = (a: string, m: string, v: number) => `${a}\u0000${m}\u0000${v}`;

export interface DomainSeen {
  names: Set<string>;
  emails: Set<string>;
  /** Notes of distinct messages: its size is the count. */
  notes: Set<string>;
}

export class IngestLog {
  private readonly ids = new Set<string>();
  private readonly checkpoints = new Map<string, number>();
  private readonly contents = new Map<string, string>();
  private readonly emailIds = new Map<string, string>();
  private readonly messageIds = new Map<string, string>();
  readonly domains = new Map<string, DomainSeen>();

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
      const seen = this.domains.get(e.d) ?? { names: new Set<string>(), emails: new Set<string>(), notes: new Set<string>() };
      if (e.n) seen.names.add(e.n);
      if (e.f) seen.emails.add(e.f);
      seen.notes.add(e.p);
      this.domains.set(e.d, seen);
    }
  }

  record(e: LogEntry): void {
    this.state.appendLine(LOG_FILE, JSON.stringify(e));
    this.remember(e);
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
