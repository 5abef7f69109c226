// A small Ollama server on 127.0.0.1 speaking the real wire protocol (/api/version, /api/tags, /api/chat,
// streamed NDJSON and not), scriptable per test: answers, errors, slow answers; every request body is kept.
import { createServer, type Server } from 'node:http';
import { closeServer, json, listenLoopback, readBody, replyAfter } from './fake-http.ts';
import { chunks, countTokens } from './fake-openai.ts';

export interface OllamaChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
}

export type FakeOllamaReply =
  | { content: string; delayMs?: number }
  | { status: number; error: string; delayMs?: number }
  /** Never answers (until the client gives up). */
  | { hang: true };

export interface FakeOllama {
  readonly url: string;
  /** Bodies of /api/chat requests, in order. */
  readonly requests: OllamaChatBody[];
  /** Paths of every request, in order. */
  readonly hits: string[];
  /** Answers /api/chat; the default echoes `{}`. */
  onChat(handler: (body: OllamaChatBody) => FakeOllamaReply): void;
  models: string[];
  close(): Promise<void>;
}

export async function startFakeOllama(opts: { models?: string[]; version?: string } = {}): Promise<FakeOllama> {
  let handler: (body: OllamaChatBody) => FakeOllamaReply = () => ({ content: '{}' });
  const requests: OllamaChatBody[] = [];
  const hits: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state = { models: opts.models ?? ['qwen3:4b', 'qwen3:8b'] };

  const server: Server = createServer(async (req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const raw = await readBody(req);
    if (req.method === 'GET' && req.url === '/api/version') return json(res, 200, { version: opts.version ?? '0.12.6' });
    if (req.method === 'GET' && req.url === '/api/tags') {
      return json(res, 200, {
        models: state.models.map((name) => ({
          name, model: name, modified_at: '2026-11-20T10:00:00.000Z', size: 2_500_000_000,
          digest: 'sha256:' + '0'.repeat(64),
          details: { parent_model: '', format: 'gguf', family: 'qwen3', families: ['qwen3'], parameter_size: '4B', quantization_level: 'Q4_K_M' },
        })),
      });
    }
    if (req.method !== 'POST' || req.url !== '/api/chat') return json(res, 404, { error: `no route ${req.method} ${req.url}` });
    let body: OllamaChatBody;
    try {
      body = JSON.parse(raw) as OllamaChatBody;
    } catch {
      return json(res, 400, { error: 'invalid JSON body' });
    }
    requests.push(body);
    if (!state.models.includes(body.model)) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    const reply = handler(body);
    if ('hang' in reply) {
      req.socket.on('close', () => res.destroy());
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      if ('status' in reply) return json(res, reply.status, { error: reply.error });
      const promptTokens = body.messages.reduce((n, m) => n + countTokens(m.content) + 4, 0);
      const evalTokens = countTokens(reply.content);
      const created = new Date().toISOString();
      const final = {
        model: body.model, created_at: created, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop',
        total_duration: 1_000_000, load_duration: 100_000, prompt_eval_count: promptTokens, prompt_eval_duration: 200_000,
        eval_count: evalTokens, eval_duration: 700_000,
      };
      if (body.stream === false) return json(res, 200, { ...final, message: { role: 'assistant', content: reply.content } });
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const c of chunks(reply.content)) res.write(JSON.stringify({ model: body.model, created_at: created, message: { role: 'assistant', content: c }, done: false }) + '\n');
      res.end(JSON.stringify(final) + '\n');
    };
    replyAfter(req, timers, reply.delayMs ?? 0, send);
  });
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits,
    onChat: (h) => {
      handler = h;
    },
    get models() {
      return state.models;
    },
    set models(m: string[]) {
      state.models = m;
    },
    close: () => closeServer(server, timers),
  };
}
