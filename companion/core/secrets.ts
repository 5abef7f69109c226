// Secrets come only from the environment or a JSON file outside the vault that only its owner can
// read (mode 0600). They never enter the vault, a log or the repo.
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';

export interface Secrets {
  get(name: string): string | undefined;
  /** Where a secret's value came from, for `aios status` (never the value). */
  source(name: string): 'environment' | 'secrets file' | undefined;
}

export class SecretsFileError extends Error {}

/** Well-known variables that hold a secret besides AIOS_<NAME>. */
const WELL_KNOWN: Record<string, string> = { openai_api_key: 'OPENAI_API_KEY' };

export function secretEnvNames(name: string): string[] {
  const own = `AIOS_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
  const known = WELL_KNOWN[name];
  return known ? [own, known] : [own];
}

export function defaultSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AIOS_SECRETS_FILE) return resolve(env.AIOS_SECRETS_FILE);
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'aios', 'secrets.json');
}

function assertOutsideVault(file: string, vaultRoot: string | undefined): void {
  if (!vaultRoot) return;
  const rel = relative(resolve(vaultRoot), resolve(file));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new SecretsFileError(`${file}: the secrets file must not be inside the vault (it would be synced)`);
  }
}

/** Reads the secrets file; refuses one that others can read or that sits inside the vault. */
export function readSecretsFile(file: string, vaultRoot?: string): Record<string, string> {
  if (!existsSync(file)) return {};
  assertOutsideVault(file, vaultRoot);
  const st = statSync(file);
  if ((st.mode & 0o077) !== 0) {
    throw new SecretsFileError(`${file}: mode ${(st.mode & 0o777).toString(8)} lets others read it; run chmod 600 "${file}"`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SecretsFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.values(data).every((v) => typeof v === 'string')) {
    throw new SecretsFileError(`${file}: expected a JSON object of names to strings`);
  }
  return data as Record<string, string>;
}

export function makeSecrets(file: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Secrets {
  const fromEnv = (name: string) => secretEnvNames(name).map((n) => env[n]).find((v) => v !== undefined && v !== '');
  return {
    get: (name) => fromEnv(name) ?? file[name],
    source: (name) => (fromEnv(name) !== undefined ? 'environment' : file[name] !== undefined ? 'secrets file' : undefined),
  };
}

/** `aios secret set`: writes one secret, creating the file with mode 0600 and replacing it atomically. */
export function setSecret(file: string, name: string, value: string, vaultRoot?: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new SecretsFileError(`secret name "${name}": use snake_case such as mail_main_password`);
  assertOutsideVault(file, vaultRoot);
  const current = readSecretsFile(file, vaultRoot);
  current[name] = value;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(current, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
