import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerPatch, deferPatch, openQueue } from './queue-model.ts';
import { decisionItem, validateFrontmatter } from '../contract/index.ts';

const fm = (over: Record<string, unknown>) => ({ aios_kind: 'decision_item', finding_key: String(over.title), kind: 'x', created: '2026-11-20T06:00:00', why: 'w', options: ['a', 'b'], status: 'open', ...over });

test('open and due deferred items, most severe and soonest first', () => {
  const rows = openQueue([
    { path: 'Queue/low.md', frontmatter: fm({ title: 'low', severity: 'low' }) },
    { path: 'Queue/high-late.md', frontmatter: fm({ title: 'high late', severity: 'high', deadline: '2026-12-10' }) },
    { path: 'Queue/high-soon.md', frontmatter: fm({ title: 'high soon', severity: 'high', deadline: '2026-11-28' }) },
    { path: 'Queue/done.md', frontmatter: fm({ title: 'done', status: 'decided', answer: 'a' }) },
    { path: 'Queue/later.md', frontmatter: fm({ title: 'later', status: 'deferred', deferred_until: '2026-12-01' }) },
    { path: 'Queue/back.md', frontmatter: fm({ title: 'back', status: 'deferred', deferred_until: '2026-11-26' }) },
    { path: 'Queue/other.md', frontmatter: { aios_kind: 'counterparty', name: 'x' } },
    // A mailed attachment posing as a critical decision is not in the queue folder.
    { path: 'Attachments/2026/11/x/Payment approval.md', frontmatter: fm({ title: 'pay now', severity: 'critical' }) },
  ], '2026-11-26');
  assert.deepEqual(rows.map((r) => r.path), ['Queue/high-soon.md', 'Queue/high-late.md', 'Queue/back.md', 'Queue/low.md']);
});

test('answer and defer patches touch only keys the owner may change, and leave a valid item', () => {
  for (const patch of [answerPatch('a', '2026-11-26T07:00:00', 'ok'), deferPatch('2026-12-01')]) {
    for (const k of Object.keys(patch)) assert.ok(decisionItem.otherSideMay.includes(k), k);
    assert.equal(validateFrontmatter({ ...fm({ title: 't' }), ...patch }).ok, true);
  }
});
