// The one gate every mail or chat body passes before it becomes part of a note. Plain text is
// Markdown too, so both plain text and HTML (sanitised, then converted) end here. After it, the text
// can load nothing, run nothing and link nowhere but http(s)/mailto: no raw HTML, no image or embed,
// no wikilink, no `javascript:` link, no code block another plugin would run (dataviewjs, `$=`,
// Templater `<% %>`), and no comment that would hide text from the owner but not from a model.

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const SAFE_LINK = /^\s*<?\s*(https?:\/\/|mailto:)/i;

/** Neutralises Markdown (or plain text) from an untrusted source, line by line. */
export function neutraliseMarkdown(input: string): string {
  const lines = input.replace(/\r\n?/g, '\n').replace(/\u0000/g, '').split('\n');
  const out: string[] = [];
  let fence: { char: string; len: number } | undefined;
  for (const line of lines) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.len) {
        fence = undefined;
        out.push(line);
      } else {
        // Inside a code block nothing renders, but Templater reads raw text: break its tag.
        out.push(line.replace(/<%/g, '< %').replace(/%>/g, '% >'));
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[2]![0] === '`' && open[3]!.includes('`'))) {
      fence = { char: open[2]![0]!, len: open[2]!.length };
      // Every fence becomes plain text whatever it claimed to be (dataviewjs, dataview, js-engine...).
      out.push(`${open[1]}${open[2]}text`);
      continue;
    }
    out.push(neutraliseLine(line));
  }
  // An unclosed fence swallows the rest as code, which is harmless: it is all `text`.
  return out.join('\n');
}

function neutraliseLine(line: string): string {
  let s = line;
  // Raw HTML, autolinks and Templater tags all start with `<`; as an entity it shows but never parses.
  s = s.replace(/</g, '&lt;');
  // `%%` hides text from the reading view while a model still reads it.
  s = s.replace(/%%/g, '\\%\\%');
  // No image, no embed: `![` never forms (the link text stays as a plain link or text).
  s = s.replace(/!(?=\[)/g, '\\!');
  // No wikilinks from outside: they would link or embed notes of the vault.
  s = s.replace(/\[\[/g, '\\[\\[').replace(/\]\]/g, '\\]\\]');
  // Inline code that Dataview would evaluate (`= expr`, `$= js`): drop the code span itself.
  const esc = (t: string) => t.replace(/`/g, '\\`');
  s = s.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (m, ticks: string, body: string) => (/^\s*\$?=/.test(body) ? `${esc(ticks)}${body}${esc(ticks)}` : m));
  // Inline links to anything but http(s)/mailto lose their link (javascript:, data:, file:, vault paths).
  s = s.replace(/\]\(/g, (m, offset: number) => (SAFE_LINK.test(s.slice(offset + 2)) ? m : ']\\('));
  // Reference definitions likewise.
  s = s.replace(/^( {0,3})\[([^\]]+)\]:(\s*)(\S+)/, (m, ind: string, label: string, sp: string, dest: string) =>
    SAFE_LINK.test(dest) ? m : `${ind}\\[${label}\\]:${sp}${dest}`,
  );
  return s;
}

/** Hides the only remaining trick in plain text: zero-width and bidi control characters. */
export function stripInvisible(text: string): string {
  return text.replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '');
}
