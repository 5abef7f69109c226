// A fast reader for the flat front matter almost every note has (`key: scalar` and block lists of
// scalars). It gives exactly what the `yaml` package's core schema gives, or `undefined` so the caller
// falls back to the full parser: indexing 100,000 notes with the full parser alone takes ~18 s.
// Anything it is not sure of (extra spaces, tabs, control or Unicode line characters, mixed list
// indents, flow collections, anchors, tags, comments) steps aside: `flat-yaml.test.ts` compares it
// with the yaml package on generated inputs.
//
// It scans character codes instead of splitting lines and matching regular expressions (2-3 times
// faster), and copies each long value out of the text: V8 makes a substring of 13 or more characters
// a view that keeps its whole parent alive, here every note's front matter, which was a third of a
// 100,000-note index's memory (150 MB -> 105 MB, and less to collect).

type Scalar = string | number | boolean | null;
const FAIL = Symbol('fail');

const SPACE = 32;
const TAB = 9;
const CR = 13;
const DASH = 45;
const COLON = 58;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const PLUS = 43;

/** First characters that could start another construct (flow, anchor, alias, tag, block scalar, directive...). */
const SPECIAL_FIRST = new Set([...'[]{}&*!|>%@`#,?:-.+'].map((c) => c.charCodeAt(0)));

const KEYWORD_FIRST = new Set([...'~nNtTfF'].map((c) => c.charCodeAt(0)));
const KEYWORD_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/** Characters that YAML treats differently from JavaScript or not as plain content: always the full parser. */
function oddChar(c: number): boolean {
  return c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff;
}

const scratch = Buffer.alloc(64 * 1024);

/**
 * `text.slice(from, to)` as a string of its own. V8 makes a long substring a view of its parent (the
 * whole head); a copy lets the head go. UTF-8 round trips every string without lone surrogates; the
 * rare value with a surrogate is copied by flattening a concatenation instead.
 */
function copyOf(text: string, from: number, to: number, surrogate: boolean): string {
  const s = text.slice(from, to);
  if (to - from < 13) return s;
  if (!surrogate && (to - from) * 3 <= scratch.length) return scratch.toString('utf8', 0, scratch.write(s, 0, 'utf8'));
  return (s + ' ').slice(0, -1);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The number a plain scalar of the shape `[-+]?digits(.digits?)?([eE][-+]?digits)?` stands for, or undefined. */
function numberAt(text: string, from: number, to: number): number | typeof FAIL | undefined {
  let i = from;
  if (text.charCodeAt(i) === DASH || text.charCodeAt(i) === PLUS) i++;
  const intStart = i;
  while (i < to && isDigit(text.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (intDigits === 0) return undefined;
  if (i === to) {
    // Leading zeros and integers past double precision: let the full parser decide.
    if (intDigits > 1 && text.charCodeAt(intStart) === 48) return FAIL;
    if (intDigits > 15) return FAIL;
    return Number(text.slice(from, to));
  }
  if (text.charCodeAt(i) === 46) {
    i++;
    while (i < to && isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (i < to && (e === 101 || e === 69)) {
    i++;
    if (text.charCodeAt(i) === DASH || text.charCodeAt(i) === PLUS) i++;
    const expStart = i;
    while (i < to && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return undefined;
  }
  return i === to ? Number(text.slice(from, to)) : undefined;
}

/** The scalar in `text[from, to)`, which starts with neither a space nor a tab. */
function scalar(text: string, from: number, to: number): Scalar | typeof FAIL {
  while (to > from && text.charCodeAt(to - 1) === SPACE) to--;
  if (to === from) return null;
  const first = text.charCodeAt(from);
  const last = text.charCodeAt(to - 1);
  let surrogate = false;
  if (first === DQUOTE || first === SQUOTE) {
    if (to - from < 2 || last !== first) return FAIL;
    let doubled = false;
    for (let i = from + 1; i < to - 1; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f) {
        if (c === first) {
          // `''` inside single quotes is one quote; anything else ends the scalar early.
          if (first === SQUOTE && i + 1 < to - 1 && text.charCodeAt(i + 1) === SQUOTE) {
            doubled = true;
            i++;
          } else return FAIL;
        } else if (c === BACKSLASH && first === DQUOTE) return FAIL;
      } else if (oddChar(c)) return FAIL;
      else if (c >= 0xd800 && c <= 0xdfff) surrogate = true;
    }
    return doubled ? text.slice(from + 1, to - 1).replace(/''/g, "'") : copyOf(text, from + 1, to - 1, surrogate);
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      // `: ` starts a mapping, ` #` a comment.
      if (c === COLON ? i + 1 < to && text.charCodeAt(i + 1) === SPACE : c === SPACE && text.charCodeAt(i + 1) === HASH) return FAIL;
    } else if (oddChar(c)) return FAIL;
    else if (c >= 0xd800 && c <= 0xdfff) surrogate = true;
  }
  if (to - from <= 5 && KEYWORD_FIRST.has(first)) {
    switch (text.slice(from, to)) {
      case '~': case 'null': case 'Null': case 'NULL': return null;
      case 'true': case 'True': case 'TRUE': return true;
      case 'false': case 'False': case 'FALSE': return false;
    }
  }
  if (isDigit(first) || first === DASH || first === PLUS) {
    const n = numberAt(text, from, to);
    if (n !== undefined) return n;
  }
  if (SPECIAL_FIRST.has(first) || last === COLON) return FAIL;
  // 0x and 0o numbers.
  if (first === 48 && to - from > 1 && ((text.charCodeAt(from + 1) | 0x20) === 120 || (text.charCodeAt(from + 1) | 0x20) === 111)) return FAIL;
  return copyOf(text, from, to, surrogate);
}

function isKeyStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || isDigit(c) || c === DASH;
}

/** Where a list item's value starts on the line `text[from, to)` (`- x` at indent 0, `  - x` at 2), or -1. */
function itemAt(text: string, from: number, to: number): number {
  if (to - from >= 2 && text.charCodeAt(from) === DASH && text.charCodeAt(from + 1) === SPACE) return from + 2;
  if (to - from >= 4 && text.charCodeAt(from) === SPACE && text.charCodeAt(from + 1) === SPACE && text.charCodeAt(from + 2) === DASH && text.charCodeAt(from + 3) === SPACE) {
    return from + 4;
  }
  return -1;
}

// Notes of one folder carry the same keys in the same order. The previous block's keys are tried
// first: a key found there needs no new string, and a block with exactly those keys is built by
// copying a template object. Adding 20 properties one by one with computed names turns an object
// into a slow dictionary after about 16; the copy of a template keeps the fast layout.
let lastKeys: string[] = [];
let lastTemplate: Record<string, unknown> = {};

function objectOf(keys: string[], values: unknown[], sameAsLast: boolean): Record<string, unknown> {
  if (!sameAsLast) {
    // Keys are `[A-Za-z_][A-Za-z0-9_-]*`: safe inside JSON quotes as they are.
    lastTemplate = JSON.parse(`{${keys.map((k) => `"${k}":null`).join(',')}}`) as Record<string, unknown>;
    lastKeys = Object.keys(lastTemplate);
  }
  const out = { ...lastTemplate };
  for (let i = 0; i < keys.length; i++) out[lastKeys[i]!] = values[i];
  return out;
}

export function readFlatYaml(text: string): Record<string, unknown> | undefined {
  const keys: string[] = [];
  const values: unknown[] = [];
  /** Every key so far is the previous block's key at the same place. */
  let same = true;
  const len = text.length;
  /** The open block list and the indent its items use. */
  let list: Scalar[] | undefined;
  let listIndent = -1;
  /** The line before was a key with nothing after it: null, or a list if this line is an item. */
  let bare = false;
  let pos = 0;
  while (pos < len) {
    let next = text.indexOf('\n', pos);
    let end: number;
    if (next < 0) {
      end = len;
      next = len;
      // A last line ending in a lone CR keeps it in the yaml package.
      if (end > pos && text.charCodeAt(end - 1) === CR) return undefined;
    } else {
      end = next > pos && text.charCodeAt(next - 1) === CR ? next - 1 : next;
      next++;
    }
    const lineStart = pos;
    pos = next;
    const wasBare = bare;
    bare = false;
    if (end === lineStart) continue;

    const at = itemAt(text, lineStart, end);
    if (at >= 0) {
      if (wasBare) {
        values[values.length - 1] = list = [];
        listIndent = at - lineStart;
      }
      if (list === undefined || at - lineStart !== listIndent) return undefined;
      if (at < end && (text.charCodeAt(at) === SPACE || text.charCodeAt(at) === TAB)) return undefined;
      const v = scalar(text, at, end);
      if (v === FAIL) return undefined;
      list.push(v);
      continue;
    }

    list = undefined;
    if (!isKeyStart(text.charCodeAt(lineStart))) return undefined;
    let i = lineStart + 1;
    while (i < end && isKeyChar(text.charCodeAt(i))) i++;
    if (i === end || text.charCodeAt(i) !== COLON) return undefined;
    const n = keys.length;
    let key: string;
    if (same && n < lastKeys.length && lastKeys[n]!.length === i - lineStart && text.startsWith(lastKeys[n]!, lineStart)) {
      // The previous block's keys were checked and distinct: so are these.
      key = lastKeys[n]!;
    } else {
      same = false;
      key = text.slice(lineStart, i);
      // `null:` is the key '' and `True:` the key 'true' in the core schema.
      if (key === '__proto__' || KEYWORD_KEYS.has(key) || keys.includes(key)) return undefined;
    }
    keys.push(key);
    i++;
    if (i < end) {
      if (text.charCodeAt(i) !== SPACE) return undefined;
      i++;
    }
    if (i === end) {
      values.push(null);
      bare = true;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) return undefined;
    if (end - i === 2 && c === 91 && text.charCodeAt(i + 1) === 93) {
      values.push([]);
      continue;
    }
    const v = scalar(text, i, end);
    if (v === FAIL) return undefined;
    values.push(v);
  }
  return objectOf(keys, values, same && keys.length === lastKeys.length);
}

// ---- writing -----------------------------------------------------------------------------------

const PLAIN_OK = /^[\p{L}\p{N}][\p{L}\p{N} _.,/()+@'-]*$/u;

/** A scalar as the yaml package would write it for these plain cases; JSON-quoted otherwise. */
function writeScalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? String(v) : undefined;
  if (typeof v !== 'string') return undefined;
  // Plain only where it cannot read back as anything else; the round trip below checks it anyway.
  if (v !== '' && PLAIN_OK.test(v) && !/\s$/.test(v) && !KEYWORD_KEYS.has(v) && !/^[-+]?(\d|\.\d)/.test(v) && !/^0[xo]/i.test(v)) return v;
  return JSON.stringify(v);
}

/**
 * Writes flat front matter (scalars and lists of scalars) several times faster than the yaml package,
 * or `undefined` for anything else. What it writes is read back by `readFlatYaml` and must give the
 * same values, or the caller uses the yaml package: a note never holds YAML the reader would misread.
 */
export function writeFlatYaml(data: Record<string, unknown>): string | undefined {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) || KEYWORD_KEYS.has(k)) return undefined;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        lines.push(`${k}: []`);
        continue;
      }
      lines.push(`${k}:`);
      for (const x of v) {
        const s = writeScalar(x);
        if (s === undefined) return undefined;
        lines.push(`  - ${s}`);
      }
      continue;
    }
    const s = writeScalar(v);
    if (s === undefined) return undefined;
    lines.push(`${k}: ${s}`);
  }
  const text = lines.length ? lines.join('\n') + '\n' : '';
  const back = readFlatYaml(text);
  if (!back || JSON.stringify(back) !== JSON.stringify(data)) return undefined;
  return text;
}
