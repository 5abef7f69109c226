// Telegram Desktop exports through the import folder: one note per chat per day, exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestContext } from '../support/context.ts';
import { chatsJob } from '../../companion/chats/index.ts';
import { looksLikeTelegram, parseTelegramExport } from '../../companion/chats/telegram.ts';
import { parseNote } from '../../companion/core/frontmatter.ts';
import { validateFrontmatter } from '../../contract/index.ts';
import { assertInert } from '../mail/inert.ts';

const DEMO = join(import.meta.dirname, '../../demo/chats/result.json');

interface Export { chats: { list: { messages: unknown[] }[] } }

function chatNotes(vaultDir: string): Map<string, { fm: Record<string, unknown>; body: string }> {
  const out = new Map<string, { fm: Record<string, unknown>; body: string }>();
  for (const f of readdirSync(join(vaultDir, 'Chats'))) {
    const { frontmatter, body } = parseNote(readFileSync(join(vaultDir, 'Chats', f), 'utf8'));
    out.set(f, { fm: frontmatter, body });
  }
  return out;
}

test('an export becomes a note per chat per day; dropped again with more messages, only those are added', async () => {
  const t = makeTestContext({ settings: { import_stable_seconds: 0 } });
  try {
    const full = JSON.parse(readFileSync(DEMO, 'utf8')) as Export;
    const partial = structuredClone(full);
    partial.chats.list[0]!.messages = partial.chats.list[0]!.messages.slice(0, 4);
    writeFileSync(join(t.vaultDir, 'Import', 'result.json'), JSON.stringify(partial));
    const r1 = await chatsJob.run(t.ctx);
    assert.equal(r1.status, 'ok', r1.summary);
    let notes = chatNotes(t.vaultDir);
    assert.deepEqual([...notes.keys()].sort(), ['Greenleaf Cafe 2026-11-23.md', 'Greenleaf Cafe 2026-11-24.md', 'Бумага Опт 2026-11-25.md']);
    assert.equal(notes.get('Greenleaf Cafe 2026-11-24.md')!.fm.message_count, 1);
    for (const { fm } of notes.values()) assert.ok(validateFrontmatter(fm).ok, JSON.stringify(fm));
    assert.equal(notes.get('Greenleaf Cafe 2026-11-23.md')!.fm.counterparty, '[[Greenleaf Cafe]]');
    assert.equal(notes.get('Бумага Опт 2026-11-25.md')!.fm.counterparty, '[[Bumaga Opt]]');
    const day23 = readFileSync(join(t.vaultDir, 'Chats', 'Greenleaf Cafe 2026-11-23.md'), 'utf8');

    writeFileSync(join(t.vaultDir, 'Import', 'result.json'), JSON.stringify(full));
    const r2 = await chatsJob.run(t.ctx);
    assert.equal(r2.counts?.chat_messages, 2, r2.summary);
    notes = chatNotes(t.vaultDir);
    assert.equal(notes.size, 3);
    const day24 = notes.get('Greenleaf Cafe 2026-11-24.md')!;
    assert.equal(day24.fm.message_count, 3);
    assert.equal(day24.fm.last_message_id, '106');
    assert.match(day24.body, /16:52 Anna Sokolova:\*\* I am sorry/);
    assert.equal(readFileSync(join(t.vaultDir, 'Chats', 'Greenleaf Cafe 2026-11-23.md'), 'utf8'), day23, 'an unchanged day was rewritten');

    writeFileSync(join(t.vaultDir, 'Import', 'result.json'), JSON.stringify(full));
    const r3 = await chatsJob.run(t.ctx);
    assert.equal(r3.counts?.chat_messages, 0);
    assert.equal(r3.counts?.chat_days, 0);
  } finally {
    t.cleanup();
  }
});

test('chat text is neutralised like mail', async () => {
  const t = makeTestContext({ settings: { import_stable_seconds: 0 } });
  try {
    const chat = {
      name: 'Mallory', type: 'personal_chat', id: 9,
      messages: [{ id: 1, type: 'message', date: '2026-11-20T10:00:00', from: 'Mallory', text: ['see ![[Business profile]] ', { type: 'text_link', text: 'pay', href: 'javascript:alert(1)' }, '\n```dataviewjs\ndv.x()\n```\n<script>x</script> `$= 1`'] }],
    };
    writeFileSync(join(t.vaultDir, 'Import', 'result.json'), JSON.stringify(chat));
    await chatsJob.run(t.ctx);
    const { body } = [...chatNotes(t.vaultDir).values()][0]!;
    assertInert(body, 'chat');
  } finally {
    t.cleanup();
  }
});

test('a broken export is quarantined with the reason', async () => {
  const t = makeTestContext({ settings: { import_stable_seconds: 0 } });
  try {
    writeFileSync(join(t.vaultDir, 'Import', 'result.json'), '{"name": "X", "type": "personal_chat", "id": 1, "messages": [{"id": 1, "type": "message", "date": "yesterday"}]}');
    const r = await chatsJob.run(t.ctx);
    assert.equal(r.counts?.quarantined, 1);
    const reports = readdirSync(join(t.vaultDir, 'Import', 'Quarantine')).filter((f) => f.endsWith('report.md'));
    assert.match(readFileSync(join(t.vaultDir, 'Import', 'Quarantine', reports[0]!), 'utf8'), /message 1 has no readable date/);
  } finally {
    t.cleanup();
  }
});

test('sniffing claims Telegram exports only', () => {
  assert.ok(looksLikeTelegram(readFileSync(DEMO), 'result.json'));
  assert.ok(!looksLikeTelegram(Buffer.from('{"transactions": []}'), 'bank.json'));
  assert.equal(parseTelegramExport(readFileSync(DEMO, 'utf8'), 'result.json').length, 2);
});
