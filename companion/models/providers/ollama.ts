// Ollama through the `ollama` package: structured output with `format` = the answer's JSON schema, a
// timeout on every request (the client has none of its own for non-streamed calls), and a short
// availability probe so a stopped server costs a second, not a job.
import { Ollama } from 'ollama';
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResponse } from '../../core/models.ts';

export interface OllamaOptions {
  host: string;
  /** How long the availability probe may take. */
  probeTimeoutMs?: number;
}

/** A fetch that gives up after `timeoutMs` and when the caller's signal aborts. */
function timedFetch(timeoutMs: () => number, outer?: () => AbortSignal | undefined): typeof fetch {
  return (input, init) => {
    const signals = [AbortSignal.timeout(timeoutMs())];
    const o = outer?.();
    if (o) signals.push(o);
    if (init?.signal) signals.push(init.signal);
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

function classify(e: unknown, what: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as { name?: string; status_code?: number; message?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return new ProviderError(`${what}: timed out`, 'timeout');
  if (typeof err?.status_code === 'number') {
    const s = err.status_code;
    if (s === 429) return new ProviderError(`${what}: busy (429)`, 'rate_limited', s);
    if (s >= 500) return new ProviderError(`${what}: server error ${s}: ${err.message ?? ''}`, 'server', s);
    if (s === 404) return new ProviderError(`${what}: ${err.message ?? 'model not found'} (pull it with \`ollama pull\`)`, 'client', s);
    return new ProviderError(`${what}: ${s} ${err.message ?? ''}`, 'client', s);
  }
  return new ProviderError(`${what}: ${err?.cause?.code ?? err?.message ?? String(e)}`, 'unavailable');
}

export class OllamaProvider implements ChatProvider {
  readonly name = 'ollama' as const;
  readonly location = 'local' as const;
  constructor(private readonly opts: OllamaOptions) {}

  async available(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    const probe = new Ollama({ host: this.opts.host, fetch: timedFetch(() => this.opts.probeTimeoutMs ?? 3000, () => signal) });
    try {
      const v = await probe.version();
      return { ok: true, detail: `Ollama ${v.version} at ${this.opts.host}` };
    } catch (e) {
      return { ok: false, detail: `Ollama at ${this.opts.host}: ${classify(e, 'probe').message.replace(/^probe: /, '')}` };
    }
  }

  /** Models the server has pulled (names as `ollama list` shows them). */
  async models(): Promise<string[]> {
    try {
      const client = new Ollama({ host: this.opts.host, fetch: timedFetch(() => this.opts.probeTimeoutMs ?? 3000) });
      return (await client.list()).models.map((m) => m.name);
    } catch (e) {
      throw classify(e, 'ollama list');
    }
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    // A client per call: each carries its own timeout and abort signal, so concurrent calls cannot mix them.
    const client = new Ollama({ host: this.opts.host, fetch: timedFetch(() => req.timeoutMs, () => req.signal) });
    try {
      const r = await client.chat({
        model: req.model,
        stream: false,
        format: req.jsonSchema,
        options: { temperature: 0 },
        messages: [
          { role: 'system', content: req.system },
          { role: 'user', content: req.user },
        ],
      });
      return { text: r.message.content, tokensIn: r.prompt_eval_count ?? 0, tokensOut: r.eval_count ?? 0, model: r.model || req.model };
    } catch (e) {
      throw classify(e, `ollama ${req.model}`);
    }
  }
}
