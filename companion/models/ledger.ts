// The cost ledger: one JSON line per provider call, appended and fsync'd in the models' state folder
// (outside the vault). The weekly cost note and the budget are computed from it, never kept apart.
import { z } from 'zod';
import type { StateDir } from '../core/state.ts';
import type { CallOutcome, Location, ProviderName, TaskKind, Tier } from '../core/models.ts';
import { isoWeekOf } from './iso-week.ts';

export const LEDGER_FILE = 'ledger.jsonl';

export const ledgerEntrySchema = z.object({
  /** Local datetime in the business time zone. */
  time: z.string(),
  module: z.string(),
  task: z.enum(['classify', 'extract', 'summarise', 'draft']),
  tier: z.enum(['easy', 'hard']),
  provider: z.enum(['learner', 'ollama', 'openai']),
  model: z.string(),
  location: z.enum(['local', 'cloud']),
  tokens_in: z.number().int().nonnegative(),
  tokens_out: z.number().int().nonnegative(),
  latency_ms: z.number().int().nonnegative(),
  /** Integer nano-dollars as a decimal string: exact sums. */
  cost_nano_usd: z.string().regex(/^\d+$/),
  escalated: z.boolean(),
  outcome: z.enum(['ok', 'low_confidence', 'invalid', 'error', 'timeout', 'unavailable', 'rate_limited']),
  /** Groups the calls made for one task. */
  task_id: z.string(),
  redacted: z.number().int().nonnegative().optional(),
});

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export interface LedgerInput {
  time: string;
  module: string;
  task: TaskKind;
  tier: Tier;
  provider: ProviderName;
  model: string;
  location: Location;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  costNanoUsd: bigint;
  escalated: boolean;
  outcome: CallOutcome;
  taskId: string;
  redacted?: number;
}

export class CostLedger {
  constructor(private readonly state: StateDir) {}

  append(e: LedgerInput): LedgerEntry {
    const entry: LedgerEntry = {
      time: e.time,
      module: e.module,
      task: e.task,
      tier: e.tier,
      provider: e.provider,
      model: e.model,
      location: e.location,
      tokens_in: e.tokensIn,
      tokens_out: e.tokensOut,
      latency_ms: Math.max(0, Math.round(e.latencyMs)),
      cost_nano_usd: e.costNanoUsd.toString(),
      escalated: e.escalated,
      outcome: e.outcome,
      task_id: e.taskId,
      ...(e.redacted ? { redacted: e.redacted } : {}),
    };
    // What costs money is on disk before anything else happens; a free local call's line may wait for the OS.
    this.state.appendLine(LEDGER_FILE, JSON.stringify(entry), { durable: e.costNanoUsd > 0n || e.location === 'cloud' });
    return entry;
  }

  /** Every readable entry; a torn last line (crash mid-append) or a foreign line is skipped, not fatal. */
  entries(): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const line of this.state.readLines(LEDGER_FILE)) {
      try {
        const r = ledgerEntrySchema.safeParse(JSON.parse(line));
        if (r.success) out.push(r.data);
      } catch {
        // torn line
      }
    }
    return out;
  }

  /** Entries whose local date falls in [start, end] (YYYY-MM-DD, inclusive). */
  between(start: string, end: string): LedgerEntry[] {
    return this.entries().filter((e) => e.time.slice(0, 10) >= start && e.time.slice(0, 10) <= end);
  }

  /** Cloud spend in nano-dollars in the ISO week of a local date. */
  weekSpendNano(localDate: string): bigint {
    const w = isoWeekOf(localDate);
    let total = 0n;
    for (const e of this.between(w.start, w.end)) total += BigInt(e.cost_nano_usd);
    return total;
  }
}
