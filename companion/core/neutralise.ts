// The one gate every mail or chat body passes before it becomes part of a note. Plain text is
// Markdown too, so both plain text and HTML (sanitised, then converted) end here. After it, the text
// can load nothing, run nothing and link nowhere but http(s)/mailto: no raw HTML, no image or embed,
// no wikilink, no `javascript:` link, no code block another plugin would run (dataviewjs, `$=`,
// Templater `<% %>`), and no comment that would hide text from the owner but not from a model.

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
/**
 * A fence inside containers: blockquotes, list items, both, at any depth, or indented under a list item.
 * Dataview runs a `dataviewjs` fence there too, so its info string goes like a top-level one's.
 */
const NESTED_FENCE = /^((?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])[ \t]*)+|[ \t]*(?:\t| {4})[ \t]*)(`{3,}|~{3,})(.*)$/;
const SAFE_LINK = /^\s*<?\s*(https?:\/\/|mailto:)/i;

/** Characters some rule below acts on: a line without any of them passes unchanged (most lines of a mail). */
const ACTIVE = /[<%[\]`]/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;
const CODE_SPAN = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;
const REF_DEF = /^( {0,3})\[([^\]]+)\]:(\s*)(\S+)/;

/** Neutralises Markdown (or plain text) from an untrusted source, line by line. */
export function neutraliseMarkdown(input: string): string {
  let text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  if (text.includes('\u0000')) text = text.replace(/\u0000/g, '');
  const lines = text.split('\n');
  let fence: { char: string; len: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.len) fence = undefined;
      // Inside a code block nothing renders, but Templater reads raw text: break its tag.
      else if (line.includes('%')) lines[i] = line.replace(/<%/g, '< %').replace(/%>/g, '% >');
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[2]![0] === '`' && open[3]!.includes('`'))) {
      fence = { char: open[2]![0]!, len: open[2]!.length };
      // Every fence becomes plain text whatever it claimed to be (dataviewjs, dataview, js-engine...).
      lines[i] = `${open[1]}${open[2]}text`;
      continue;
    }
    const nested = NESTED_FENCE.exec(line);
    // Stateless on purpose: whether the container really holds a fence there, its info string is gone.
    if (nested && nested[3]!.trim() !== '' && nested[3]!.trim() !== 'text' && !(nested[2]![0] === '`' && nested[3]!.includes('`'))) {
      lines[i] = `${nested[1]}${nested[2]}text`;
      continue;
    }
    if (ACTIVE.test(line)) lines[i] = neutraliseLine(line);
  }
  // An unclosed fence swallows the rest as code, which is harmless: it is all `text`.
  return lines.join('\n');
}

const escTicks = (t: string) => t.replace(/`/g, '\\`');

/** Inline code that Dataview would evaluate (`= expr`, `$= js`) loses its code span. */
function codeSpan(m: string, ticks: string, body: string): string {
  return /^\s*\$?=/.test(body) ? `${escTicks(ticks)}${body}${escTicks(ticks)}` : m;
}

function refDef(m: string, ind: string, label: string, sp: string, dest: string): string {
  return SAFE_LINK.test(dest) ? m : `${ind}\\[${label}\\]:${sp}${dest}`;
}

function neutraliseLine(line: string): string {
  let s = line;
  // Raw HTML, autolinks and Templater tags all start with `<`; as an entity it shows but never parses.
  if (s.includes('<')) s = s.replace(/</g, '&lt;');
  // `%%` hides text from the reading view while a model still reads it.
  if (s.includes('%%')) s = s.replace(/%%/g, '\\%\\%');
  if (s.includes('[') || s.includes(']')) {
    // No image, no embed: `![` never forms (the link text stays as a plain link or text).
    s = s.replace(/!(?=\[)/g, '\\!');
    // No wikilinks from outside: they would link or embed notes of the vault.
    s = s.replace(/\[\[/g, '\\[\\[').replace(/\]\]/g, '\\]\\]');
  }
  if (s.includes('`')) s = s.replace(CODE_SPAN, codeSpan);
  if (s.includes('](')) {
    // Inline links to anything but http(s)/mailto lose their link (javascript:, data:, file:, vault paths).
    const cur = s;
    s = cur.replace(/\]\(/g, (m, offset: number) => (SAFE_LINK.test(cur.slice(offset + 2)) ? m : ']\\('));
  }
  // Reference definitions likewise.
  if (s.includes(']:')) s = s.replace(REF_DEF, refDef);
  return s;
}

/** Hides the only remaining trick in plain text: zero-width and bidi control characters. */
export function stripInvisible(text: string): string {
  return text.replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '');
}
