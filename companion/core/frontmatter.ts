// One YAML dialect for reading and writing: the `yaml` package, core schema, dates kept as strings.
// gray-matter only splits the front matter from the body; every engine but YAML throws, so `---js`
// front matter from a mailed note can never run (gray-matter executes it by default).
import matter from 'gray-matter';
import { parse as parseYamlText, stringify as stringifyYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { HASH_KEY } from '../../contract/index.ts';
import { readFlatYaml } from './flat-yaml.ts';

export class FrontmatterError extends Error {}

const refuse = (lang: string) => () => {
  throw new FrontmatterError(`front matter in "${lang}" is not allowed; only YAML is read`);
};

const yamlEngine = {
  parse: (text: string): object => {
    const fast = readFlatYaml(text);
    if (fast !== undefined) return fast;
    const data: unknown = parseYamlText(text, { schema: 'core', uniqueKeys: true });
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) throw new FrontmatterError('front matter is not a set of properties');
    return data;
  },
  stringify: () => {
    throw new FrontmatterError('use renderNote');
  },
};

const MATTER_OPTIONS = {
  language: 'yaml',
  engines: { yaml: yamlEngine, js: refuse('js'), javascript: refuse('javascript'), json: refuse('json'), coffee: refuse('coffee'), toml: refuse('toml') },
};

export interface ParsedNote {
  frontmatter: Record<string, unknown>;
  body: string;
  /** False when the file has no front matter block at all. */
  hasFrontmatter: boolean;
}

/** Splits and parses a note. Throws FrontmatterError (or the YAML error) on bad front matter. */
export function parseNote(text: string): ParsedNote {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!src.startsWith('---')) return { frontmatter: {}, body: src, hasFrontmatter: false };
  // Passing options also keeps gray-matter from caching (and sharing) parsed objects by content.
  const file = matter(src, MATTER_OPTIONS);
  return { frontmatter: file.data as Record<string, unknown>, body: file.content.replace(/^\r?\n/, ''), hasFrontmatter: true };
}

/**
 * Properties of a note from its head (the bytes up to the closing delimiter), for the index. A plain
 * `---` block goes straight to the YAML engine; anything else (`---js`, odd delimiters) takes the
 * gray-matter path above, which refuses every language but YAML.
 */
export function parseFrontmatterHead(head: string): Record<string, unknown> {
  const src = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  if (!src.startsWith('---')) return {};
  const firstEnd = src.indexOf('\n');
  const close = src.indexOf('\n---', 3);
  if (firstEnd >= 0 && src.slice(0, firstEnd).trimEnd() === '---' && close >= firstEnd) {
    const lineEnd = src.indexOf('\n', close + 4);
    if (src.slice(close + 4, lineEnd < 0 ? undefined : lineEnd).trim() === '') return yamlEngine.parse(src.slice(firstEnd + 1, close + 1)) as Record<string, unknown>;
  }
  return parseNote(src).frontmatter;
}

/** Renders properties in the given key order, then the body. Undefined values are left out. */
export function renderNote(frontmatter: Record<string, unknown>, body: string): string {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frontmatter)) if (v !== undefined) clean[k] = v;
  const yaml = Object.keys(clean).length === 0 ? '' : stringifyYaml(clean, { lineWidth: 0, schema: 'core' });
  const text = body.endsWith('\n') || body === '' ? body : body + '\n';
  return `---\n${yaml}---\n${text}`;
}

/**
 * Hash of what the companion wrote: everything but the owner's keys and the hash itself. Kept in
 * the note (`aios_hash`) so compare-and-swap needs no state and survives mtime changes by sync tools.
 */
export function contentHash(frontmatter: Record<string, unknown>, body: string, ownerKeys: readonly string[]): string {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frontmatter)) if (k !== HASH_KEY && !ownerKeys.includes(k) && v !== undefined) own[k] = v;
  return createHash('sha256').update(renderNote(own, body.replace(/\r\n/g, '\n'))).digest('hex').slice(0, 16);
}
