import { catalogue } from '../core/i18n/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCostReport, summarise } from './report.ts';
import type { LedgerEntry } from '../models/ledger.ts';
import { costReport } from '../../contract/kinds/system.ts';

const e = (o: Partial<LedgerEntry>): LedgerEntry => ({
  time: '2026-11-24T10:00:00', module: 'mail', task: 'classify', tier: 'easy', provider: 'learner', model: 'naive-bayes', location: 'local',
  tokens_in: 0, tokens_out: 0, latency_ms: 1, cost_nano_usd: '0', escalated: false, outcome: 'ok', task_id: 't1', ...o,
});
const week = { week: '2026-W48', start: '2026-11-23', end: '2026-11-29' };

test('summary: calls, local share, spend and escalated tasks from the ledger', () => {
  const s = summarise([
    e({}),
    e({ task_id: 't2', provider: 'ollama', model: 'qwen3:4b', outcome: 'low_confidence', tokens_in: 300, tokens_out: 20 }),
    e({ task_id: 't2', provider: 'openai', model: 'gpt-4o-mini', location: 'cloud', escalated: true, tokens_in: 320, tokens_out: 20, cost_nano_usd: '60000' }),
    e({ task_id: 't3', module: 'digest', provider: 'openai', model: 'gpt-4o-mini', location: 'cloud', outcome: 'rate_limited' }),
  ]);
  assert.equal(s.calls, 4);
  assert.equal(s.localCalls, 2);
  assert.equal(s.localShare, 0.5);
  assert.equal(s.spendNano, 60000n);
  assert.equal(s.escalations, 1);
  assert.equal(s.byProvider.get('openai gpt-4o-mini')?.failed, 1);
  assert.equal(s.byModule.get('digest')?.calls, 1);
});

test('the note validates against the contract, with zeros for an empty week', () => {
  const { frontmatter, body } = renderCostReport(week, [], 0.25, '2026-11-26T12:00:00', undefined, catalogue('en'));
  assert.ok(costReport.schema.safeParse(frontmatter).success);
  assert.equal(frontmatter.calls, 0);
  assert.equal(frontmatter.local_share, 1);
  assert.match(body, /No model calls this week/);
  const full = renderCostReport(week, [e({ location: 'cloud', provider: 'openai', model: 'gpt-4o-mini', cost_nano_usd: '1234567' })], 0.25, '2026-11-26T12:00:00', undefined, catalogue('en'));
  assert.equal(full.frontmatter.spend_usd, 0.001235);
  assert.match(full.body, /\| openai gpt-4o-mini \| 1 \| 0 \|/);
});
