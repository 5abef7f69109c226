import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { readFlatYaml } from './flat-yaml.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The yaml package's reading, as the front matter engine uses it (an empty block is no properties). */
function full(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parse(text, { schema: 'core', uniqueKeys: true, logLevel: 'silent' }) ?? {} };
  } catch {
    return { ok: false };
  }
}

// Pieces of values: mostly what notes hold, with everything YAML treats specially mixed in.
const PLAIN = ['a', 'x', 'Zq', 'word', 'Acme Ltd', '0', '1', '7', '42', '-3', '+5', '1.5', '1e3', '2026-11-26', '2026-11-26T09:14:00', '[[Acme]]', 'счёт', 'é', '😀', 'a@b.example', 'http://x.example/a?b=c', '12:30'];
const TRICKY = ['-', '+', '.', 'e', 'E', ':', ' ', '  ', '#', ' #', ': ', '"', "'", "''", '\\', '[', ']', '{', '}', ',', '!', '&', '*', '|', '>', '%', '@', '`', '?', '\t', '\r', '~', 'null', 'NULL', 'true', 'False', 'TRUE', '.inf', '.nan', 'NaN', '0x1F', '0o17', '0b1', '1_000', '007', '-0', '1e999', '12345678901234567890', '\u00a0', '\u0085', '\u2028', '\ufeff', '\ud800', '<<', '=', '---', '...'];
const KEYS = ['a', 'b', 'aios_kind', 'k-1', '_x', 'A9', 'tags', 'e', 'null', 'Null', 'True', 'FALSE', 'constructor', '__proto__', 'a b', '1', '-a', 'x.y', 'é'];

function generate(r: () => number, tame: boolean): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const piece = () => (r() < (tame ? 0.95 : 0.4) ? pick(PLAIN) : pick(TRICKY));
  let serial = 0;
  const key = () => (tame && r() < 0.9 ? `${pick(KEYS.slice(0, 8))}${r() < 0.8 ? serial++ : ''}` : pick(KEYS));
  const value = () => {
    let s = piece();
    for (let n = Math.floor(r() * (tame ? 2 : 3)); n > 0; n--) s += (r() < 0.5 ? ' ' : '') + piece();
    const q = r();
    if (q < 0.12) return `"${s}"`;
    if (q < 0.2) return `'${s}'`;
    return s;
  };
  const sep = () => (tame && r() < 0.9 ? ' ' : pick([' ', '', '  ', ' \t']));
  const lines: string[] = [];
  for (let n = 1 + Math.floor(r() * (tame ? 4 : 6)); n > 0; n--) {
    const t = r();
    if (t < 0.55) lines.push(`${key()}:${sep()}${value()}${r() < 0.1 ? pick([' ', '  ', ' # c']) : ''}`);
    else if (t < 0.85) {
      lines.push(`${key()}:${r() < 0.8 ? '' : pick([' ', '  '])}`);
      const indent = pick(['  - ', '- ']);
      for (let m = Math.floor(r() * 4); m > 0; m--) lines.push(`${tame && r() < 0.9 ? indent : pick(['  - ', '- ', '  -  ', '   - ', '  -', '-'])}${value()}`);
    } else if (t < 0.92) lines.push(`${key()}: ${pick(['[]', '[] ', '{}', '[a]'])}`);
    else lines.push(tame && r() < 0.8 ? '' : pick(['', ' ', '\r', '# c', '\t', '  x: 1']));
  }
  const eol = tame && r() < 0.8 ? '\n' : pick(['\n', '\r\n', '\r']);
  return lines.join(eol) + (tame && r() < 0.9 ? '\n' : pick(['\n', '', '\n\n', '\r']));
}

test('the fast flat reader agrees with the yaml package on generated front matter, or steps aside', () => {
  let fast = 0;
  for (let seed = 1; seed <= 40_000; seed++) {
    const r = rng(seed);
    const text = generate(r, seed % 2 === 0);
    const got = readFlatYaml(text);
    if (got === undefined) continue;
    fast++;
    const want = full(text);
    assert.ok(want.ok, `fast reader accepted what yaml rejects: ${JSON.stringify(text)}`);
    if (!isDeepStrictEqual(got, want.value)) assert.fail(`disagrees on ${JSON.stringify(text)}: ${JSON.stringify(got)} vs ${JSON.stringify(want.value)}`);
  }
  // The generator must exercise the fast path, not only the fallback.
  assert.ok(fast > 6_000, `only ${fast} inputs took the fast path`);
});

test('the fast flat reader steps aside where it once read differently from yaml', () => {
  // Extra spaces are not part of the value, `null:` is the key '', a BOM or a lone CR is content,
  // and a list whose items change their indent is no longer one list.
  for (const text of ['a:  x\n', 'tags:\n  -  x\n', 'a:  \n', 'null: x\n', 'True: 1\n', 'a: \ufeff\n', 'a: x\r', 'tags:\n- a\n  - b\n', 'a: 1234567890123456789\n']) {
    assert.equal(readFlatYaml(text), undefined, JSON.stringify(text));
  }
});

test('the fast flat reader takes the shapes notes have', () => {
  const mail = 'aios_kind: mail_message\nsubject: "Re: счёт 12"\nfrom: person@company.example\nto:\n  - anna@kestrel.example\ncc: []\n' +
    'date: 2026-11-12T09:14:00\nuid: 12\nlist: false\ncounterparty: "[[Company 12]]"\nq: \'it\'\'s\'\namount: 1234.50\ntags:\n  - mail\n';
  assert.deepEqual(readFlatYaml(mail), full(mail).ok ? (full(mail) as { value: unknown }).value : undefined);
  assert.deepEqual(readFlatYaml('a: 1\r\ntags:\r\n- x\r\n'), { a: 1, tags: ['x'] });
});

test('long values are strings of their own, equal to the text', () => {
  const head = `subject: ${'x'.repeat(40)}\nlink: "[[${'y'.repeat(30)}]]"\nsurrogate: "😀${'z'.repeat(20)}"\n`;
  assert.deepEqual(readFlatYaml(head), { subject: 'x'.repeat(40), link: `[[${'y'.repeat(30)}]]`, surrogate: `😀${'z'.repeat(20)}` });
});

test('the fast writer writes what the yaml package reads back as the same values, or steps aside', async () => {
  const { writeFlatYaml } = await import('./flat-yaml.ts');
  const { parse } = await import('yaml');
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pieces = ['a', 'Bumaga', 'Счёт № 112', '2026-11-02', '[[Note]]', 'yes', 'null', 'true', '1e3', '0x1f', ' ', '#', ': ', '"', "'", '-', '\\', 'é', '\t', '12', '-3.5', '~', '*', '&x', '!tag', '%', '@', '`'];
  const value = (): unknown => {
    const r = rnd();
    if (r < 0.1) return Math.round(rnd() * 1e6) / 100;
    if (r < 0.15) return rnd() < 0.5;
    if (r < 0.18) return null;
    if (r < 0.3) return Array.from({ length: Math.floor(rnd() * 3) }, () => pieces.slice(0, 1 + Math.floor(rnd() * pieces.length)).sort(() => rnd() - 0.5).slice(0, 2).join(''));
    return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pieces[Math.floor(rnd() * pieces.length)]).join(rnd() < 0.5 ? '' : ' ');
  };
  let written = 0;
  for (let i = 0; i < 20_000; i++) {
    const data: Record<string, unknown> = {};
    for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) data[`key_${k}`] = value();
    const text = writeFlatYaml(data);
    if (text === undefined) continue;
    written++;
    assert.deepEqual(parse(text, { schema: 'core' }) ?? {}, data, text);
  }
  assert.ok(written > 10_000, `the writer took ${written} of 20000`);
});
