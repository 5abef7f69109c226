// Mail accounts come from the owner's rules note `AIOS/Rules/Mail accounts.md` (one table row per
// account). Secrets never live there: the password, or the OAuth client secret and refresh token, come
// from the environment or the secrets file under `mail_<account>_...`.

export interface MailAccount {
  /** Short snake_case name: used in secrets (`mail_<name>_password`), state and notes. */
  name: string;
  /** The owner's address at this account: mail from it is mail the owner sent. */
  address: string;
  host: string;
  port: number;
  /** `tls` (implicit, 993), `starttls` or `none` (loopback and tests only). */
  security: 'tls' | 'starttls' | 'none';
  user: string;
  auth: 'password' | 'oauth2';
  mailboxes: string[];
  /** OAuth2 token endpoint (Google: https://oauth2.googleapis.com/token). */
  tokenUrl?: string;
  clientId?: string;
}

export class AccountError extends Error {}

/** Parses the rows of the `mail_accounts` rules table; a bad row is an error naming the row and column. */
export function parseAccounts(rows: readonly Record<string, string>[], defaultMailboxes: string): MailAccount[] {
  const out: MailAccount[] = [];
  rows.forEach((r, i) => {
    const where = `Mail accounts, row ${i + 1}`;
    const get = (k: string) => (r[k] ?? '').trim();
    if (Object.values(r).every((v) => v.trim() === '')) return;
    const name = get('account').toLowerCase();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new AccountError(`${where}: account "${get('account')}" must be a short snake_case name such as main`);
    if (out.some((a) => a.name === name)) throw new AccountError(`${where}: account "${name}" is listed twice`);
    const host = get('host');
    if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new AccountError(`${where}: host "${host}" is not a host name`);
    const security = (get('security') || 'tls').toLowerCase();
    if (security !== 'tls' && security !== 'starttls' && security !== 'none') throw new AccountError(`${where}: security must be tls, starttls or none`);
    const port = get('port') ? Number(get('port')) : security === 'tls' ? 993 : 143;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AccountError(`${where}: port "${get('port')}" is not a port number`);
    const address = get('address').toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw new AccountError(`${where}: address "${get('address')}" is not an e-mail address`);
    const auth = (get('auth') || 'password').toLowerCase();
    if (auth !== 'password' && auth !== 'oauth2') throw new AccountError(`${where}: auth must be password or oauth2`);
    const tokenUrl = get('token_url');
    if (auth === 'oauth2' && !/^https?:\/\//.test(tokenUrl)) throw new AccountError(`${where}: oauth2 needs a token url`);
    const mailboxes = (get('mailboxes') || defaultMailboxes).split(',').map((m) => m.trim()).filter(Boolean);
    out.push({
      name, address, host, port, security, user: get('user') || address, auth: auth, mailboxes,
      ...(tokenUrl ? { tokenUrl } : {}),
      ...(get('client_id') ? { clientId: get('client_id') } : {}),
    });
  });
  return out;
}

export const secretName = (account: string, what: 'password' | 'refresh_token' | 'client_secret') => `mail_${account}_${what}`;
