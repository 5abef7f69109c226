// A small OpenAI-compatible server on 127.0.0.1 speaking the real wire protocol (/v1/models,
// /v1/chat/completions with response_format, streamed SSE or not, usage token counts), scriptable per
// test: answers, 429 and 500 with Retry-After, slow answers; every request body and header is kept.
import { createServer, type Server } from 'node:http';
import { closeServer, json, listenLoopback, readBody, replyAfter } from './fake-http.ts';

export interface OpenAIChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  temperature?: number;
}

export type FakeOpenAIReply =
  | { content: string; delayMs?: number }
  | { status: number; message: string; retryAfterSeconds?: number; delayMs?: number }
  | { hang: true };

export interface FakeOpenAI {
  /** Base URL including `/v1`, as the `openai` client takes it. */
  readonly url: string;
  readonly requests: OpenAIChatBody[];
  /** The raw text of every chat request body (what went over the wire). */
  readonly rawBodies: string[];
  readonly authHeaders: (string | undefined)[];
  onChat(handler: (body: OpenAIChatBody, n: number) => FakeOpenAIReply): void;
  /** Sum of the usage the server reported: what the calls cost by its count. */
  readonly usage: { prompt_tokens: number; completion_tokens: number; calls: number };
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  let handler: (body: OpenAIChatBody, n: number) => FakeOpenAIReply = () => ({ content: '{}' });
  const requests: OpenAIChatBody[] = [];
  const rawBodies: string[] = [];
  const authHeaders: (string | undefined)[] = [];
  const usage = { prompt_tokens: 0, completion_tokens: 0, calls: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '').replace(/^\/v1/, '');
    if (req.method === 'GET' && path === '/models') {
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] });
    }
    if (req.method !== 'POST' || path !== '/chat/completions') {
      return json(res, 404, { error: { message: `Unknown request URL: ${req.method} ${req.url}`, type: 'invalid_request_error', code: 'unknown_url' } });
    }
    let body: OpenAIChatBody;
    try {
      body = JSON.parse(raw) as OpenAIChatBody;
    } catch {
      return json(res, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', code: null } });
    }
    requests.push(body);
    rawBodies.push(raw);
    authHeaders.push(req.headers.authorization);
    const reply = handler(body, requests.length - 1);
    if ('hang' in reply) {
      req.socket.on('close', () => res.destroy());
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      if ('status' in reply) {
        const type = reply.status === 429 ? 'rate_limit_exceeded' : reply.status >= 500 ? 'server_error' : 'invalid_request_error';
        const headers: Record<string, string> = reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds), 'retry-after-ms': String(reply.retryAfterSeconds * 1000) } : {};
        return json(res, reply.status, { error: { message: reply.message, type, param: null, code: type } }, headers);
      }
      const prompt = body.messages.reduce((n, m) => n + countTokens(m.content) + 4, 0) + 3;
      const completion = countTokens(reply.content);
      usage.prompt_tokens += prompt;
      usage.completion_tokens += completion;
      usage.calls++;
      const id = `chatcmpl-fake${++seq}`;
      const created = Math.floor(Date.now() / 1000);
      const u = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      if (!body.stream) {
        return json(res, 200, {
          id, object: 'chat.completion', created, model: body.model, system_fingerprint: 'fp_fake',
          choices: [{ index: 0, message: { role: 'assistant', content: reply.content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: u,
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (v: unknown) => res.write(`data: ${JSON.stringify(v)}\n\n`);
      const base = { id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_fake' };
      event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
      for (const c of chunks(reply.content)) event({ ...base, choices: [{ index: 0, delta: { content: c }, logprobs: null, finish_reason: null }] });
      event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
      if (body.stream_options?.include_usage) event({ ...base, choices: [], usage: u });
      res.end('data: [DONE]\n\n');
    };
    replyAfter(req, timers, reply.delayMs ?? 0, send);
  });
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    rawBodies,
    authHeaders,
    usage,
    onChat: (h) => {
      handler = h;
    },
    close: () => closeServer(server, timers),
  };
}

// Token counts for both fake servers: words and punctuation marks, close enough to a real tokenizer
// for costs and deterministic for tests.
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/** Splits a text into a few pieces for streamed answers. */
export function chunks(text: string, n = 3): string[] {
  if (text.length <= n) return [text];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
