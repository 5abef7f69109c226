// The digest's summary paragraph, from a local model speaking the real Ollama protocol: on top and marked
// when it says only what the sections say; dropped when it brings a figure or a name of its own; the
// request never leaves for the cloud.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { runJobs } from '../../companion/core/once.ts';
import { digestJob } from '../../companion/digest/index.ts';

const NOW = new Date('2026-11-26T03:00:00Z');

for (const [what, reply, kept] of [
  ['says only what the sections say', 'No mail waits for a reply, and nothing waits for you in the decision queue.', true],
  ['brings a figure of its own', 'Cash is 5,000,000 RUB and nothing waits for you.', false],
  ['brings a name of its own', 'A claim from Nordlicht Logistics waits for you.', false],
] as const) {
  test(`a local summary that ${what} is ${kept ? 'kept on top, marked' : 'dropped'}`, async (t) => {
    const ollama = await startFakeOllama();
    const openai = await startFakeOpenAI();
    ollama.onChat(() => ({ content: JSON.stringify({ summary: reply }) }));
    const tc = makeTestContext({
      now: NOW, settings: { cloud_enabled: true },
      env: { AIOS_SECRETS_FILE: join(tmpdir(), 'aios-digest-no-secrets.json'), OLLAMA_HOST: ollama.url, OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: 'sk-test' },
    });
    t.after(async () => {
      tc.cleanup();
      await ollama.close();
      await openai.close();
    });
    const [r] = await runJobs(tc.runtime, [digestJob], { sweepImports: false });
    assert.equal(r!.status, 'ok', r!.summary);
    const body = tc.vault.readNote('Digests/2026-11-26 Digest.md').body;
    assert.equal(ollama.requests.length, 1, 'asked the local model once');
    assert.equal(openai.requests.length, 0, 'never the cloud');
    if (kept) {
      assert.match(body, /^# Digest for 26 Nov 2026\n\n> \[!summary\] Summary by the local model \(qwen3:4b\); the sections below are the record\.\n> No mail waits for a reply/);
    } else {
      assert.doesNotMatch(body, /\[!summary\]/);
      assert.ok(!body.includes(reply));
    }
  });
}
