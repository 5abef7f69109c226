// A fast reader for the flat front matter almost every note has (`key: scalar` and block lists of
// scalars). It gives exactly what the `yaml` package's core schema gives, or `undefined` so the caller
// falls back to the full parser: indexing 100,000 notes with the full parser alone takes ~18 s.

const KEY_RE = /^([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?$/;
const ITEM_RE = /^ {2}- (.*)$|^- (.*)$/;
const INT_RE = /^[-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:[0-9]+\.[0-9]*|[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

type Scalar = string | number | boolean | null;
const FAIL = Symbol('fail');

function scalar(raw: string): Scalar | typeof FAIL {
  const s = raw.replace(/ +$/, '');
  if (s === '') return null;
  const c = s[0]!;
  if (c === '"') {
    if (s.length < 2 || !s.endsWith('"') || s.slice(1, -1).includes('"') || s.includes('\\')) return FAIL;
    return s.slice(1, -1);
  }
  if (c === "'") {
    const inner = s.slice(1, -1);
    if (s.length < 2 || !s.endsWith("'") || inner.replace(/''/g, '').includes("'")) return FAIL;
    return inner.replace(/''/g, "'");
  }
  switch (s) {
    case '~': case 'null': case 'Null': case 'NULL': return null;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
  }
  if (INT_RE.test(s)) {
    if (/^[-+]?0[0-9]/.test(s)) return FAIL; // leading zeros: let the full parser decide
    return Number(s);
  }
  if (FLOAT_RE.test(s)) return Number(s);
  // Anything that could start another construct, or hold a comment or mapping, goes to the full parser.
  if ('[]{}&*!|>%@`#,?:-.+'.includes(c) || s.includes(': ') || s.includes(' #') || s.endsWith(':') || s.includes('\t')) return FAIL;
  if (/^0[xo]/i.test(s)) return FAIL;
  return s;
}

export function readFlatYaml(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const lines = text.split('\n');
  let listKey: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      if (line !== '') return undefined;
      continue;
    }
    const item = ITEM_RE.exec(line);
    if (item) {
      if (listKey === undefined) return undefined;
      const v = scalar(item[1] ?? item[2] ?? '');
      if (v === FAIL) return undefined;
      (out[listKey] as Scalar[]).push(v);
      continue;
    }
    const m = KEY_RE.exec(line);
    if (!m) return undefined;
    const key = m[1]!;
    if (Object.hasOwn(out, key) || key === '__proto__') return undefined;
    const rest = m[2] ?? '';
    listKey = undefined;
    if (rest.trim() === '') {
      // Either null or the start of a block list: decided by the next line.
      const next = lines[i + 1];
      if (next !== undefined && ITEM_RE.test(next.replace(/\r$/, ''))) {
        out[key] = [];
        listKey = key;
      } else out[key] = null;
      continue;
    }
    if (rest === '[]') {
      out[key] = [];
      continue;
    }
    const v = scalar(rest);
    if (v === FAIL) return undefined;
    out[key] = v;
  }
  return out;
}
