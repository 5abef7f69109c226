// What must never survive into a note, checked on rendered Markdown (shared by the mail tests).
import assert from 'node:assert/strict';

export function assertInert(md: string, where: string): void {
  assert.doesNotMatch(md, /<\s*(script|img|iframe|a|div|span|object|embed|svg|style)\b/i, `${where}: raw HTML`);
  assert.doesNotMatch(md, /(^|[^\\])!\[/, `${where}: image or embed`);
  assert.doesNotMatch(md, /(^|[^\\])\[\[/, `${where}: wikilink or embed`);
  assert.doesNotMatch(md, /\]\(\s*<?\s*(?!https?:|mailto:)[^)]/i, `${where}: link to something other than http(s)/mailto`);
  // At the top level or nested in blockquotes and list items, at any depth.
  assert.doesNotMatch(md, /^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])[ \t]*)*[ \t]*(`{3,}|~{3,})\s*(dataview|dataviewjs|js-engine|javascript|js)\b/im, `${where}: runnable code fence`);
  assert.doesNotMatch(md, /(^|[^\\])`+\s*\$?=/, `${where}: inline Dataview query`);
  assert.doesNotMatch(md, /<%/, `${where}: Templater tag`);
  assert.doesNotMatch(md, /(^|[^\\])%%/, `${where}: Obsidian comment`);
}

