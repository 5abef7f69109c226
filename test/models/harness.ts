// One test setup for the router: a temp vault from the template, the fake Ollama and OpenAI servers on
// loopback, and the model service built from settings exactly as a job gets it.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingKey, SettingValue } from '../../contract/index.ts';
import { makeTestContext, type TestContext } from '../support/context.ts';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createModels, modelsState } from '../../companion/models/index.ts';
import { CostLedger } from '../../companion/models/ledger.ts';
import type { LedgerEntry } from '../../companion/models/ledger.ts';
import type { Router } from '../../companion/models/router.ts';

export const DEMO_NOW = new Date('2026-11-26T09:00:00Z');

export interface Harness {
  tc: TestContext;
  ollama: FakeOllama;
  openai: FakeOpenAI;
  /** A fresh model service (one per job run), for module `mail` unless told. */
  models(module?: string): Router;
  ledger(): LedgerEntry[];
  close(): Promise<void>;
}

export async function startHarness(settings: Partial<Record<SettingKey, SettingValue>> = {}): Promise<Harness> {
  const ollama = await startFakeOllama();
  const openai = await startFakeOpenAI();
  const tc = makeTestContext({
    now: DEMO_NOW,
    env: { AIOS_SECRETS_FILE: join(tmpdir(), `aios-no-secrets-${process.pid}.json`), OPENAI_API_KEY: 'sk-test-not-real' },
    settings: { ollama_host: ollama.url, openai_base_url: openai.url, model_timeout_seconds: 1, ollama_probe_seconds: 1, ...settings },
  });
  const noSleep = async () => {};
  return {
    tc,
    ollama,
    openai,
    models: (module = 'mail') => createModels(tc.contextFor({ name: module }), module, { sleep: noSleep }),
    ledger: () => new CostLedger(modelsState(tc.ctx.state)).entries(),
    close: async () => {
      await ollama.close();
      await openai.close();
      tc.cleanup();
    },
  };
}

/** The `<<<DATA tag label>>>` block of a prompt with this label. */
export function quoted(content: string, label: string): string | undefined {
  const m = new RegExp(`<<<DATA [0-9a-f]+ ${label}>>>\\n([\\s\\S]*?)\\n<<<END DATA`).exec(content);
  return m?.[1];
}
