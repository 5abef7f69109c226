// Any OpenAI-compatible API through the `openai` package (OpenAI, OpenRouter, LM Studio, vLLM): a
// configurable base URL, structured output with `response_format: json_schema`, a timeout per call.
// The client's own retries are off: the router retries 429/5xx itself, boundedly, and records each attempt.
import OpenAI from 'openai';
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResponse } from '../../core/models.ts';

export interface OpenAIOptions {
  baseURL: string;
  apiKey: string | undefined;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms) / 1000;
  const s = headers?.get('retry-after');
  if (s && Number.isFinite(Number(s))) return Number(s);
  return undefined;
}

export class OpenAIProvider implements ChatProvider {
  readonly name = 'openai' as const;
  readonly location = 'cloud' as const;
  private readonly client: OpenAI | undefined;

  constructor(private readonly opts: OpenAIOptions) {
    this.client = opts.apiKey ? new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: 0 }) : undefined;
  }

  async available(): Promise<{ ok: boolean; detail: string }> {
    return this.client ? { ok: true, detail: `cloud API at ${this.opts.baseURL}` } : { ok: false, detail: 'no API key (secret openai_api_key or OPENAI_API_KEY)' };
  }

  async chat(req: ChatRequest): Promise<ChatResponse> {
    if (!this.client) throw new ProviderError('cloud: no API key', 'unavailable');
    try {
      const r = await this.client.chat.completions.create(
        {
          model: req.model,
          temperature: 0,
          messages: [
            { role: 'system', content: req.system },
            { role: 'user', content: req.user },
          ],
          response_format: { type: 'json_schema', json_schema: { name: req.schemaName, schema: req.jsonSchema, strict: false } },
        },
        { timeout: req.timeoutMs, ...(req.signal ? { signal: req.signal } : {}) },
      );
      const choice = r.choices[0];
      return {
        text: choice?.message?.content ?? '',
        tokensIn: r.usage?.prompt_tokens ?? 0,
        tokensOut: r.usage?.completion_tokens ?? 0,
        model: r.model || req.model,
      };
    } catch (e) {
      if (e instanceof OpenAI.APIConnectionTimeoutError) throw new ProviderError(`cloud ${req.model}: timed out`, 'timeout');
      if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
        const kind = e.status === 429 ? 'rate_limited' : e.status >= 500 ? 'server' : 'client';
        throw new ProviderError(`cloud ${req.model}: ${e.status} ${e.message}`, kind, e.status, retryAfter(e.headers));
      }
      if (e instanceof OpenAI.APIUserAbortError) throw new ProviderError(`cloud ${req.model}: aborted`, 'timeout');
      if (e instanceof OpenAI.APIConnectionError) throw new ProviderError(`cloud ${req.model}: ${e.message}`, 'unavailable');
      throw new ProviderError(`cloud ${req.model}: ${(e as Error).message}`, 'unavailable');
    }
  }
}
