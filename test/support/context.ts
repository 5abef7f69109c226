// A job context over a fresh temporary vault seeded from vault-template/, for tests of any module.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingKey, SettingValue } from '../../contract/index.ts';
import { initVault } from '../../companion/core/init.ts';
import { Runtime } from '../../companion/core/runtime.ts';
import type { Job, JobContext } from '../../companion/core/job.ts';
import { MODELS } from '../../companion/modules.ts';

export interface TestContext {
  ctx: JobContext;
  runtime: Runtime;
  vault: Runtime['vault'];
  index: Runtime['index'];
  vaultDir: string;
  stateDir: string;
  /** A context for another job name (its own state folder). */
  contextFor(job: Pick<Job, 'name'>): JobContext;
  cleanup(): void;
}

export function makeTestContext(opts: {
  vaultDir?: string;
  stateDir?: string;
  now?: Date | (() => Date);
  settings?: Partial<Record<SettingKey, SettingValue>>;
  env?: NodeJS.ProcessEnv;
  job?: string;
  /** Seed from vault-template/ (default true). */
  template?: boolean;
} = {}): TestContext {
  const vaultDir = opts.vaultDir ?? mkdtempSync(join(tmpdir(), 'aios-vault-'));
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'aios-state-'));
  if (opts.template !== false) initVault(vaultDir);
  const runtime = new Runtime({
    vaultRoot: vaultDir,
    stateDir,
    now: opts.now,
    // English texts unless a test asks otherwise (the template's business is Russian).
    overrides: { timezone: 'Europe/Moscow', language: 'en', ...opts.settings },
    env: opts.env ?? { AIOS_SECRETS_FILE: join(stateDir, 'no-secrets.json') },
    logToFile: false,
    models: MODELS,
  });
  const controller = new AbortController();
  const contextFor = (job: Pick<Job, 'name'>) => runtime.context(job, controller.signal);
  return {
    ctx: contextFor({ name: opts.job ?? 'test' }),
    runtime,
    vault: runtime.vault,
    index: runtime.index,
    vaultDir,
    stateDir,
    contextFor,
    cleanup: () => {
      controller.abort();
      if (!opts.vaultDir) rmSync(vaultDir, { recursive: true, force: true });
      if (!opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
