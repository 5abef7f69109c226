// A private Dovecot IMAP server for tests: its own config, passwd-file user and maildir in a temp
// folder, on a free loopback port. Runs as Debian's dovecot/dovenull users (its login and mail
// processes refuse root). Messages are appended over IMAP; the server can be stopped and started
// again, and a mailbox recreated (a new UIDVALIDITY).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** Appends messages to a mailbox (created when missing); returns their UIDs. */
  append(mailbox: string, messages: (string | Buffer)[], date?: Date): Promise<number[]>;
  /** Drops a message straight into INBOX's Maildir, as a delivery agent would: works while the server is down. */
  deliver(message: string | Buffer): void;
  /** Deletes and creates the mailbox again: the same name, a new UIDVALIDITY, no messages. */
  recreate(mailbox: string): Promise<void>;
  uidValidity(mailbox: string): Promise<number>;
  stop(): void;
  start(): Promise<void>;
  /** Stops the server and removes every file. */
  cleanup(): void;
}

function idOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} missing: install dovecot-imapd`);
  const parts = line.split(':');
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const DOVECOT = existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';
const DOVEADM = existsSync('/usr/bin/doveadm') ? '/usr/bin/doveadm' : 'doveadm';

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() > deadline) throw new Error(`dovecot on port ${port} did not ${up ? 'start' : 'stop'} in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'aios-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'anna';
  const password = randomBytes(9).toString('hex');
  const dv = idOf('dovecot');
  const mailHome = join(dir, 'home');
  mkdirSync(join(mailHome, 'Maildir'), { recursive: true });
  for (const p of [mailHome, join(mailHome, 'Maildir')]) chownSync(p, dv.uid, dv.gid);
  for (const sub of ['base', 'state']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}:${dv.uid}:${dv.gid}::${mailHome}\n`);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${join(dir, 'base')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
info_log_path = ${join(dir, 'dovecot.log')}
instance_name = aios-test-${port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = ${Math.min(dv.uid, 100)}
mail_location = maildir:~/Maildir
mail_fsync = never
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = ${join(dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = ${join(dir, 'passwd')}
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );

  const start = async () => {
    // The master daemonises and keeps inherited pipes open: no pipes, or this would wait for it to end.
    const r = spawnSync(DOVECOT, ['-c', conf], { stdio: 'ignore', timeout: 15_000 });
    if (r.status !== 0) {
      const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2000) : '';
      throw new Error(`dovecot did not start (exit ${r.status}): ${log}`);
    }
    await waitForPort(port, true);
  };
  const stop = () => {
    spawnSync(DOVEADM, ['-c', conf, 'stop'], { stdio: 'ignore', timeout: 15_000 });
    // doveadm stop returns before the master has let go of the port; wait for it synchronously.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const pidFile = join(dir, 'base', 'master.pid');
      if (!existsSync(pidFile)) break;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
      } catch {
        break;
      }
      execFileSync('sleep', ['0.05']);
    }
  };

  await start();

  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false } as ConstructorParameters<typeof ImapFlow>[0]);
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => undefined);
    }
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    append: (mailbox, messages, date) =>
      withClient(async (c) => {
        const boxes = await c.list();
        if (!boxes.some((b) => b.path === mailbox)) await c.mailboxCreate(mailbox);
        const uids: number[] = [];
        for (const m of messages) {
          const r = await c.append(mailbox, m, [], date ?? new Date());
          if (r && r.uid) uids.push(r.uid);
        }
        return uids;
      }),
    deliver: (message) => {
      const md = join(mailHome, 'Maildir');
      for (const sub of ['tmp', 'new', 'cur']) {
        if (!existsSync(join(md, sub))) {
          mkdirSync(join(md, sub));
          chownSync(join(md, sub), dv.uid, dv.gid);
        }
      }
      // Written under tmp/ and renamed into new/, so the server never sees half a message.
      const name = `${Date.now()}.P${process.pid}R${randomBytes(4).toString('hex')}.aios-test`;
      writeFileSync(join(md, 'tmp', name), message);
      chownSync(join(md, 'tmp', name), dv.uid, dv.gid);
      renameSync(join(md, 'tmp', name), join(md, 'new', name));
    },
    recreate: (mailbox) =>
      withClient(async (c) => {
        if (mailbox === 'INBOX') {
          // INBOX cannot be deleted: empty it and reset its UIDVALIDITY through the maildir itself.
          const lock = await c.getMailboxLock('INBOX');
          try {
            if (c.mailbox && c.mailbox.exists > 0) await c.messageDelete('1:*');
          } finally {
            lock.release();
          }
          await c.logout();
          stop();
          for (const f of ['dovecot-uidlist', 'dovecot.index', 'dovecot.index.cache', 'dovecot.index.log', 'dovecot.list.index', 'dovecot.list.index.log']) {
            rmSync(join(mailHome, 'Maildir', f), { force: true });
          }
          // UIDVALIDITY is the creation time in seconds: make sure a new second has begun.
          execFileSync('sleep', ['1.1']);
          await start();
          return;
        }
        await c.mailboxDelete(mailbox).catch(() => undefined);
        execFileSync('sleep', ['1.1']);
        await c.mailboxCreate(mailbox);
      }),
    uidValidity: (mailbox) =>
      withClient(async (c) => {
        const s = await c.status(mailbox, { uidValidity: true });
        if (!s) throw new Error(`no status for ${mailbox}`);
        return Number(s.uidValidity);
      }),
    stop,
    start,
    cleanup: () => {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
