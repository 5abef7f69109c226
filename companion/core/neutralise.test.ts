import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutraliseMarkdown } from './neutralise.ts';

test('fences become text, whatever language they claim; normal text is kept', () => {
  const md = neutraliseMarkdown('a\n```dataviewjs\ndv.x()\n```\nb `code` c\n');
  assert.equal(md, 'a\n```text\ndv.x()\n```\nb `code` c\n');
});

test('links to vault notes or other schemes lose their link', () => {
  assert.equal(neutraliseMarkdown('[a](Business/Business profile.md) [b](obsidian://open?x) [c](https://x.example)'), '[a]\\(Business/Business profile.md) [b]\\(obsidian://open?x) [c](https://x.example)');
});
