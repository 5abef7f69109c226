import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseNote, renderNote } from './frontmatter.ts';
import { readFlatYaml } from './flat-yaml.ts';

declare global {
  // Set by the hostile front matter if it ever runs.
  var __aios_pwned: boolean | undefined;
}

test('---js and ---javascript front matter is refused, never executed', () => {
  for (const lang of ['js', 'javascript', 'json', 'coffee']) {
    globalThis.__aios_pwned = undefined;
    const note = `---${lang}\n(globalThis.__aios_pwned = true, { title: "x" })\n---\nbody\n`;
    assert.throws(() => parseNote(note), /not allowed/);
    assert.equal(globalThis.__aios_pwned, undefined, `${lang} front matter ran`);
  }
});

test('dates stay strings and wikilinks stay quoted', () => {
  const text = renderNote({ aios_kind: 'contract', end: '2026-12-31', counterparty: '[[Acme]]', at: '2026-11-12T09:14:00', n: 12.5, list: ['[[A b]]'] }, '# Body\n');
  assert.match(text, /counterparty: "\[\[Acme\]\]"/);
  const { frontmatter, body } = parseNote(text);
  assert.deepEqual(frontmatter, { aios_kind: 'contract', end: '2026-12-31', counterparty: '[[Acme]]', at: '2026-11-12T09:14:00', n: 12.5, list: ['[[A b]]'] });
  assert.equal(body, '# Body\n');
});

test('parsing the same text twice gives independent objects (no shared cache)', () => {
  const text = '---\na: 1\n---\n';
  const first = parseNote(text);
  first.frontmatter.a = 2;
  assert.equal(parseNote(text).frontmatter.a, 1);
});

test('the fast flat reader agrees with the yaml package, or steps aside', () => {
  const samples = [
    'a: 1\nb: -2\nc: 1.50\nd: 1e3\ne: true\nf: False\ng: ~\nh: null\ni:\nj: text with spaces',
    'date: 2026-11-26\nat: 2026-11-26T06:00:00\nlink: "[[X]]"\nq: \'it\'\'s\'\nempty: ""\nzero: 0',
    'tags:\n  - a\n  - b\nlist: []\nnested:\n- x\n- 2',
    'a: "with \\"escape\\""\nb: 007\nc: 0x1F\nd: .inf\ne: +5\nf: -.5\ng: 5.',
    'a: b: c',
    'a: x # comment',
    'a: [1, 2]',
    'a: |\n  block',
    'a: 1\na: 2',
    'k: "[[A|alias]]"\nm: -0\nn: 12345678901234567890',
    'a:\n  b: 1',
    'a: @x',
    'url: https://example.com/a?b=c',
    'x: "unterminated',
  ];
  for (const s of samples) {
    const fast = readFlatYaml(s);
    let full: unknown;
    try {
      full = parse(s, { schema: 'core', uniqueKeys: true });
    } catch {
      assert.equal(fast, undefined, `fast reader accepted what yaml rejects: ${JSON.stringify(s)}`);
      continue;
    }
    if (fast !== undefined) assert.deepEqual(fast, full, `disagrees on ${JSON.stringify(s)}`);
  }
  // The common shapes must take the fast path.
  assert.notEqual(readFlatYaml('a: 1\ntags:\n  - x\nlink: "[[X]]"\ndate: 2026-11-26'), undefined);
});
