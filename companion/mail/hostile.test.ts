// Hostile mail, end to end through the mail renderer: nothing active survives into a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { htmlToMarkdown, textToMarkdown } from './html.ts';
import { parseMessage } from './message.ts';
import { renderBody } from './render.ts';
import { assertInert } from '../../test/mail/inert.ts';

const HOSTILE = join(import.meta.dirname, '../../test/fixtures/hostile');

test('every hostile fixture renders inert', async () => {
  const files = readdirSync(HOSTILE).filter((f) => f.endsWith('.eml'));
  assert.ok(files.length >= 12);
  for (const f of files) {
    const md = renderBody(await parseMessage(readFileSync(join(HOSTILE, f))));
    assertInert(md, f);
  }
});

test('hidden HTML text is dropped, never revealed', async () => {
  const md = renderBody(await parseMessage(readFileSync(join(HOSTILE, 'hidden-text.eml'))));
  assert.match(md, /please find the order attached/);
  assert.match(md, /Regards/);
  for (const hidden of ['IGNORE PREVIOUS', 'HIDDEN-FONT-ZERO', 'HIDDEN-ATTR', 'HIDDEN-VISIBILITY', 'HIDDEN-OPACITY']) assert.ok(!md.includes(hidden), hidden);
});

test('remote images become plain links the owner can click', () => {
  const md = htmlToMarkdown('<p>Hi</p><img src="https://t.example/p.gif" width=1 height=1><img src="https://cdn.example/logo.png" alt="Logo">');
  assert.match(md, /\[image\]\(https:\/\/t\.example\/p\.gif\)/);
  assert.match(md, /\[Logo\]\(https:\/\/cdn\.example\/logo\.png\)/);
  assert.ok(!md.includes('!['));
});

test('scripts, javascript: and data: links are removed from HTML, the text stays', () => {
  const md = htmlToMarkdown('<a href="javascript:alert(1)">Pay</a><script>evil()</script><a href="data:text/html,x">D</a><a href="https://ok.example/">OK</a>');
  assert.match(md, /Pay/);
  assert.ok(!md.includes('evil()'));
  assert.ok(!/javascript:|data:/.test(md));
  assert.match(md, /\[OK\]\(https:\/\/ok\.example\/\)/);
});

test('plain text keeps its words and line breaks', () => {
  assert.equal(textToMarkdown('Hello Anna,\r\n\r\nthe invoice is 1 200,00 RUB.\r\nRegards'), 'Hello Anna,\n\nthe invoice is 1 200,00 RUB.\nRegards');
});
