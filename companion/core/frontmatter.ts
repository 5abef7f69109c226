// One YAML dialect for reading and writing: the `yaml` package, core schema, dates kept as strings.
// gray-matter only splits the front matter from the body; every engine but YAML throws, so `---js`
// front matter from a mailed note can never run (gray-matter executes it by default).
import matter from 'gray-matter';
import { parse as parseYamlText, stringify as stringifyYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { HASH_KEY, KIND_KEY, WROTE_KEY, type KindSpec } from '../../contract/index.ts';
import { readFlatYaml, writeFlatYaml } from './flat-yaml.ts';

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
  // The fast writer for flat properties (what almost every note has), checked by reading it back.
  const yaml = Object.keys(clean).length === 0 ? '' : (writeFlatYaml(clean) ?? stringifyYaml(clean, { lineWidth: 0, schema: 'core' }));
  const text = body.endsWith('\n') || body === '' ? body : body + '\n';
  return `---\n${yaml}---\n${text}`;
}

// ---- What the companion wrote, and what the owner may have changed since -------------------------

/**
 * The owner section of a companion note: everything below this line is the owner's, kept when the
 * companion regenerates the note and left out of its hash. Obsidian hides `%%` comments when reading.
 */
export const OWNER_SECTION_PREFIX = '%% aios:owner-notes';
export const OWNER_SECTION_LINE = `${OWNER_SECTION_PREFIX}: write below this line; AIOS keeps it when it updates this note %%`;

/** Splits a body at the owner-section line: the companion's part (normalised), and the owner's (undefined without the line). */
export function splitOwnerSection(body: string): { generated: string; owner: string | undefined } {
  const text = body.replace(/\r\n/g, '\n');
  const at = text.startsWith(OWNER_SECTION_PREFIX) ? 0 : text.indexOf(`\n${OWNER_SECTION_PREFIX}`);
  if (at < 0) return { generated: normaliseGenerated(text), owner: undefined };
  const lineEnd = text.indexOf('\n', at + 1);
  return { generated: normaliseGenerated(text.slice(0, at)), owner: lineEnd < 0 ? '' : text.slice(lineEnd + 1) };
}

const normaliseGenerated = (s: string) => s.replace(/\s+$/, '') + '\n';

/** The companion's part, then (when wanted or already there) the owner-section line and what the owner wrote below it. */
export function joinOwnerSection(generated: string, owner: string | undefined, withLine: boolean): string {
  const g = normaliseGenerated(generated);
  if (owner === undefined && !withLine) return g;
  return `${g}\n${OWNER_SECTION_LINE}\n${owner ?? ''}`;
}

/** Short digest of one property value, for `aios_wrote`. */
export function valueDigest(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  const json = JSON.stringify(v);
  // Statuses, dates and names repeat across thousands of notes: short values are hashed once.
  let d = json.length <= 64 ? digests.get(json) : undefined;
  if (d === undefined) {
    d = createHash('sha256').update(json).digest('hex').slice(0, 8);
    if (json.length <= 64) {
      if (digests.size >= 50_000) digests.clear();
      digests.set(json, d);
    }
  }
  return d;
}
const digests = new Map<string, string>();

/**
 * Whether an owner-changeable key holds the owner's value, by the rule every companion write keeps: it no
 * longer holds what the companion last wrote there; without a record (a note from before the rule), any
 * value there counts as the owner's. `wrote`: the note's parsed record, when the caller has it.
 */
export function ownerChanged(fm: Record<string, unknown>, key: string, wrote = parseWrote(fm[WROTE_KEY])): boolean {
  const last = wrote?.get(key);
  return last !== undefined ? valueDigest(fm[key]) !== last : fm[key] !== undefined && fm[key] !== null;
}

/** `aios_wrote`: what the companion last wrote into each owner-changeable key. */
export function formatWrote(values: ReadonlyMap<string, string>): string {
  return [...values].map(([k, d]) => `${k}=${d}`).join(',');
}

export function parseWrote(raw: unknown): Map<string, string> | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  const m = new Map<string, string>();
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return m;
}

/** The keys of a kind the companion alone writes (its schema less what the owner may change), with `aios_kind`. */
export function companionKeys(spec: Pick<KindSpec, 'schema' | 'otherSideMay'>): string[] {
  return [KIND_KEY, ...Object.keys(spec.schema.shape).filter((k) => !spec.otherSideMay.includes(k))];
}

/**
 * Hash of what the companion wrote, in two halves (its properties, its part of the body), kept in the
 * note (`aios_hash`) so compare-and-swap needs no state, survives mtime changes by sync tools, and says
 * which half the owner changed. Properties are hashed as values, so Obsidian re-serialising the block
 * (quoting, order) is no change.
 */
export function companionHash(spec: Pick<KindSpec, 'schema' | 'otherSideMay'>, frontmatter: Record<string, unknown>, generatedBody: string): string {
  const own: Record<string, unknown> = {};
  for (const k of companionKeys(spec).sort()) if (frontmatter[k] !== undefined && frontmatter[k] !== null) own[k] = frontmatter[k];
  const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  return h(JSON.stringify(own)) + h(normaliseGenerated(generatedBody.replace(/\r\n/g, '\n')));
}

/** The stamp a new companion note carries: its hash, and what it wrote into the owner's keys. */
export function companionStamp(spec: Pick<KindSpec, 'schema' | 'otherSideMay'>, frontmatter: Record<string, unknown>, body: string): { [HASH_KEY]: string; [WROTE_KEY]: string } {
  const wrote = new Map(spec.otherSideMay.map((k) => [k, valueDigest(frontmatter[k])]));
  return { [HASH_KEY]: companionHash(spec, frontmatter, splitOwnerSection(body).generated), [WROTE_KEY]: formatWrote(wrote) };
}

/** A frontmatter value as text (undefined when empty or not a scalar): a YAML reader may have made a date a Date. */
export function fmText(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** A frontmatter date or datetime as its day, `YYYY-MM-DD`. */
export const fmDay = (v: unknown): string | undefined => fmText(v)?.slice(0, 10);

/** A frontmatter list as its texts (empty when not a list). */
export const fmStrings = (v: unknown): string[] => (Array.isArray(v) ? v.map(fmText).filter((s): s is string => !!s) : []);
