// The fake servers speak the real wire protocols: the real `ollama` and `openai` clients talk to them,
// streamed and not, with structured output, errors and usage counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';

test('fake Ollama: version, tags, chat with format, streamed NDJSON, errors', async () => {
  const fake = await startFakeOllama();
  try {
    const client = new Ollama({ host: fake.url });
    assert.equal((await client.version()).version, '0.12.6');
    assert.deepEqual((await client.list()).models.map((m) => m.name), ['qwen3:4b', 'qwen3:8b']);
    fake.onChat((b) => ({ content: JSON.stringify({ echo: b.messages.at(-1)!.content }) }));
    const format = { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] };
    const r = await client.chat({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'привет' }], format, stream: false });
    assert.deepEqual(JSON.parse(r.message.content), { echo: 'привет' });
    assert.ok(r.prompt_eval_count > 0 && r.eval_count > 0);
    assert.deepEqual(fake.requests[0]!.format, format);
    let streamed = '';
    let done = false;
    for await (const part of await client.chat({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'stream me' }], stream: true })) {
      streamed += part.message.content;
      done ||= part.done;
    }
    assert.deepEqual(JSON.parse(streamed), { echo: 'stream me' });
    assert.ok(done);
    await assert.rejects(client.chat({ model: 'llama9:70b', messages: [{ role: 'user', content: 'x' }] }), /not found/);
    fake.onChat(() => ({ status: 500, error: 'llama runner process has terminated' }));
    await assert.rejects(client.chat({ model: 'qwen3:4b', messages: [{ role: 'user', content: 'x' }] }), (e: { status_code?: number }) => e.status_code === 500);
  } finally {
    await fake.close();
  }
});

test('fake OpenAI: chat completions with json_schema, SSE streaming with usage, 429 with Retry-After', async () => {
  const fake = await startFakeOpenAI();
  try {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
    fake.onChat(() => ({ content: '{"ok":true}' }));
    const r = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
    });
    assert.equal(r.choices[0]!.message.content, '{"ok":true}');
    assert.ok(r.usage!.prompt_tokens > 0);
    assert.equal(r.usage!.completion_tokens, 7); // { " ok " : true }
    assert.equal(fake.requests[0]!.response_format!.json_schema!.name, 'x');
    assert.equal(fake.authHeaders[0], 'Bearer sk-test');
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: { completion_tokens: number } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, '{"ok":true}');
    assert.equal(usage?.completion_tokens, 7);
    fake.onChat(() => ({ status: 429, message: 'Rate limit reached', retryAfterSeconds: 7 }));
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '7');
      return true;
    });
    assert.equal(fake.usage.calls, 2);
  } finally {
    await fake.close();
  }
});
