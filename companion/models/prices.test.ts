import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costNanoUsd, findPrice, nanoToUsd, parsePriceTable, PriceTableError } from './prices.ts';

const rows = [
  { provider: 'openai', model: 'gpt-4o-mini', input_usd_per_1m: '0.15', output_usd_per_1m: '0.60' },
  { provider: 'openai', model: 'gpt-4.1*', input_usd_per_1m: '$2.00', output_usd_per_1m: '8' },
  { provider: 'ollama', model: '*', input_usd_per_1m: '0', output_usd_per_1m: '0' },
];

test('price rows: exact model, prefix, wildcard; costs exact in nano-dollars', () => {
  const prices = parsePriceTable(rows);
  const mini = findPrice(prices, 'openai', 'gpt-4o-mini');
  assert.equal(costNanoUsd(mini, 1_000_000, 1_000_000), 750_000_000n);
  assert.equal(costNanoUsd(mini, 1000, 200), 270_000n); // $0.00027
  assert.equal(nanoToUsd(costNanoUsd(findPrice(prices, 'openai', 'gpt-4.1-2025-04-14'), 500, 0)), 0.001);
  assert.equal(costNanoUsd(findPrice(prices, 'ollama', 'qwen3:4b'), 5000, 5000), 0n);
  assert.equal(findPrice(prices, 'openai', 'o3'), undefined);
});

test('a bad row names itself', () => {
  assert.throws(() => parsePriceTable([{ provider: 'openai', model: 'x', input_usd_per_1m: 'cheap', output_usd_per_1m: '1' }]), PriceTableError);
  assert.throws(() => parsePriceTable([{ provider: 'openai' }]), /row 1/);
});
