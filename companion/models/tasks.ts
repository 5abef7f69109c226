// Each task kind as a language model sees it: the prompt (instructions apart from quoted data) and the
// schema its answer must pass. The schema is the contract: a model's answer is data, never an action.
import { z } from 'zod';
import { buildPrompt, type Prompt } from './prompt.ts';
import type { ModelTask } from '../core/models.ts';

export interface TaskSpec {
  prompt: Prompt;
  /** What the answer must parse into. */
  schema: z.ZodType;
  /** JSON schema sent as Ollama's `format` and OpenAI's `response_format`. */
  jsonSchema: Record<string, unknown>;
  schemaName: string;
}

export function classificationSchema(labels: readonly string[]) {
  return z.object({
    label: z.enum(labels as [string, ...string[]]),
    confidence: z.number().min(0).max(1),
  });
}

export const summarySchema = z.object({ summary: z.string().trim().min(1) });
export const draftSchema = z.object({ subject: z.string().optional(), body: z.string().trim().min(1) });

export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete js.$schema;
  return js;
}

export function taskSpec(task: ModelTask): TaskSpec {
  switch (task.kind) {
    case 'classify': {
      const schema = classificationSchema(task.labels);
      const list = task.labels.map((l) => `- ${l}${task.descriptions?.[l] ? `: ${task.descriptions[l]}` : ''}`).join('\n');
      const parts = [
        ...(task.context ?? []),
        ...(task.item.from ? [{ label: 'sender', text: task.item.from + (task.item.list ? ' (mailing list)' : '') }] : []),
        ...(task.item.subject !== undefined ? [{ label: 'subject', text: task.item.subject }] : []),
        { label: 'body', text: task.item.body.slice(0, 6000) },
      ];
      return {
        prompt: buildPrompt(
          `Classify the message into exactly one of these categories:\n${list}\nGive your confidence between 0 and 1 that the category is right.`,
          parts,
        ),
        schema,
        jsonSchema: toJsonSchema(schema),
        schemaName: 'classification',
      };
    }
    case 'extract':
      return {
        prompt: buildPrompt(`${task.instruction}\nUse null or leave out fields the data does not state; never invent values.`, [...(task.context ?? []), { label: 'document', text: task.data }]),
        schema: task.schema,
        jsonSchema: toJsonSchema(task.schema),
        schemaName: 'extraction',
      };
    case 'summarise':
      return {
        prompt: buildPrompt(`${task.instruction ?? 'Summarise the material for the owner.'} Use at most ${task.maxWords ?? 80} words, plain text, no links.`, [...(task.context ?? []), { label: 'material', text: task.data }]),
        schema: summarySchema,
        jsonSchema: toJsonSchema(summarySchema),
        schemaName: 'summary',
      };
    case 'draft':
      return {
        prompt: buildPrompt(
          `Write a draft for the owner to review; it is not sent by you. ${task.instruction}\nPlain text, no links or images.`,
          [...(task.context ?? []), { label: 'conversation', text: task.data }],
        ),
        schema: draftSchema,
        jsonSchema: toJsonSchema(draftSchema),
        schemaName: 'draft',
      };
  }
}

/** Parses a model's text into the schema, after the caller's fix-ups (placeholders restored). */
export function parseAnswer(text: string, schema: z.ZodType, fix: (v: unknown) => unknown = (v) => v): { ok: true; value: unknown } | { ok: false; error: string } {
  let raw: unknown;
  try {
    // Some models wrap JSON in a code fence despite the format: accept exactly that, nothing looser.
    const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
    raw = JSON.parse(m ? m[1]! : text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const r = schema.safeParse(fix(raw));
  if (!r.success) return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ') };
  return { ok: true, value: r.data };
}
