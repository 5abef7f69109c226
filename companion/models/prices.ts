// The price table (rules note `price_table`): what a million tokens in and out cost per provider and
// model. Costs are kept as integer nano-dollars so a week of tiny calls adds up exactly.
import { parseMoney } from '../../contract/money.ts';

export interface Price {
  provider: string;
  /** Model name, or `*` for any model of the provider. */
  model: string;
  /** USD per million input tokens, in money units (1/100000). */
  inputPerMillion: bigint;
  outputPerMillion: bigint;
}

export class PriceTableError extends Error {}

const pick = (row: Record<string, string>, ...keys: string[]): string | undefined => {
  for (const k of keys) if (row[k] !== undefined && row[k].trim() !== '') return row[k].trim();
  return undefined;
};

/** Rows keyed by snake_cased headers: provider | model | input_usd_per_1m | output_usd_per_1m. */
export function parsePriceTable(rows: readonly Record<string, string>[]): Price[] {
  return rows.map((row, i) => {
    const provider = pick(row, 'provider');
    const model = pick(row, 'model') ?? '*';
    const input = pick(row, 'input_usd_per_1m', 'input_usd_per_1m_tokens', 'input', 'input_per_1m');
    const output = pick(row, 'output_usd_per_1m', 'output_usd_per_1m_tokens', 'output', 'output_per_1m');
    if (!provider || input === undefined || output === undefined) {
      throw new PriceTableError(`price table row ${i + 1}: needs provider, input_usd_per_1m and output_usd_per_1m`);
    }
    try {
      return { provider: provider.toLowerCase(), model, inputPerMillion: parseMoney(input.replace(/^\$/, '')), outputPerMillion: parseMoney(output.replace(/^\$/, '')) };
    } catch (e) {
      throw new PriceTableError(`price table row ${i + 1} (${provider} ${model}): ${(e as Error).message}`);
    }
  });
}

/** The row for a provider and model: an exact model first, then the longest matching prefix (`gpt-4o*`), then `*`. */
export function findPrice(prices: readonly Price[], provider: string, model: string): Price | undefined {
  const mine = prices.filter((p) => p.provider === provider.toLowerCase());
  const exact = mine.find((p) => p.model === model);
  if (exact) return exact;
  const prefixed = mine
    .filter((p) => p.model.endsWith('*') && model.startsWith(p.model.slice(0, -1)))
    .sort((a, b) => b.model.length - a.model.length);
  return prefixed[0];
}

/** Cost of one call in nano-dollars (1e-9 USD), rounded half up. */
export function costNanoUsd(price: Price | undefined, tokensIn: number, tokensOut: number): bigint {
  if (!price) return 0n;
  // money units are 1e-5 USD per 1e6 tokens: nano-USD per token = units / 100.
  const total = BigInt(tokensIn) * price.inputPerMillion + BigInt(tokensOut) * price.outputPerMillion;
  return (total + 50n) / 100n;
}

export function nanoToUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}
