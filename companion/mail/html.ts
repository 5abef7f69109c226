// HTML mail bodies to Markdown in one pass over the HTML's tags (htmlparser2, streaming, no DOM),
// keeping only harmless structure: the text of scripts, styles and other non-text elements is
// dropped, and so is every hidden element with its text (hidden, aria-hidden, display:none, zero
// size or opacity...), whatever its tag: hidden text is never revealed. Links keep http(s) and
// mailto targets only; images become plain links. The result then passes the same neutraliser as
// plain text. (A DOM per message with sanitize-html and turndown cost several times the time and
// most of the garbage of a mail sync, and sanitize-html checked hiding only on the tags it kept, so
// the text of a hidden <label> or <small> came through.)
import { Parser } from 'htmlparser2';
import { neutraliseMarkdown, stripInvisible } from '../core/neutralise.ts';

const HIDDEN_STYLE = /(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|max-height\s*:\s*0(?![.\d]*[1-9])|(?:^|;)\s*height\s*:\s*0(?![.\d]*[1-9])[^;]*;[^]*overflow\s*:\s*hidden|mso-hide\s*:\s*all)/i;

export function isHidden(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs) return true;
  if (attribs['aria-hidden'] === 'true') return true;
  const style = attribs.style ?? '';
  return style !== '' && HIDDEN_STYLE.test(style);
}

/** Elements whose content is never text for the reader: dropped whole. */
const NON_TEXT = new Set([
  'script', 'style', 'textarea', 'option', 'select', 'noscript', 'title', 'head', 'template', 'svg', 'math', 'object',
  'iframe', 'frameset', 'noframes', 'noembed', 'xml', 'xmp', 'canvas', 'audio', 'video', 'button', 'datalist',
]);

const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'center', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'header', 'footer', 'nav', 'aside', 'address', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'form', 'fieldset', 'details', 'summary',
]);
const HEADINGS: Record<string, string> = { h1: '#', h2: '##', h3: '###', h4: '####', h5: '#####', h6: '######' };

/** Markdown's active characters in text, escaped as turndown does (the neutraliser runs after, for safety). */
const ESCAPE_ANY = /[\\*`[\]_]/g;
const ESCAPE_START = /^(-|\+ |=+|#{1,6} |~~~|>|\d+\. )/;

const ESCAPE_ANY_TEST = /[\\*`[\]_]/;

function escapeText(s: string, lineStart: boolean): string {
  let out = ESCAPE_ANY_TEST.test(s) ? s.replace(ESCAPE_ANY, '\\$&') : s;
  const m = lineStart ? ESCAPE_START.exec(out) : null;
  if (m) out = /^\d/.test(m[1]!) ? out.replace(/^(\d+)\. /, '$1\\. ') : `\\${out}`;
  return out;
}

/** An element being converted: its tag, the attributes the conversion reads, and its Markdown so far. */
interface Frame {
  tag: string;
  href?: string;
  src?: string;
  alt?: string;
  /** Markdown of the content so far, in pieces (joined once, at the element's end). */
  parts: string[];
  /** Items of a list, rendered. */
  items?: string[];
}

const blank = (s: string) => s.trim() === '';

/** Text that begins and ends with whitespace keeps one space outside the markers. */
function wrapInline(content: string, marker: string): string {
  if (blank(content)) return content === '' ? '' : ' ';
  const lead = /^\s/.test(content) ? ' ' : '';
  const trail = /\s$/.test(content) ? ' ' : '';
  return `${lead}${marker}${content.trim()}${marker}${trail}`;
}

/** Block content: no spaces before line breaks or at the ends, blank runs kept to one empty line. */
function tidyBlock(s: string): string {
  return s.replace(/ +\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function close(frame: Frame, pre: boolean, parent: Frame): string {
  const t = frame.tag;
  const f = { ...frame, out: frame.parts.join('') };
  if (t === 'br') return '\n';
  if (t === 'hr') return '\n\n* * *\n\n';
  if (t === 'img') {
    // A remote image is never loaded: it becomes a plain link the owner can click.
    const alt = (f.alt ?? '').replace(/[[\]\n]/g, ' ').trim();
    if (!f.src || !/^https?:\/\//i.test(f.src)) return alt;
    return `[${alt || 'image'}](${f.src.replace(/[()\s]/g, encodeURIComponent)})`;
  }
  if (t === 'a') {
    const href = f.href ?? '';
    const text = f.out.trim();
    if (!/^(https?:\/\/|mailto:)/i.test(href)) return f.out;
    return `[${text || href}](${href.replace(/[()\s]/g, encodeURIComponent)})`;
  }
  if (t === 'b' || t === 'strong') return wrapInline(f.out, '**');
  if (t === 'i' || t === 'em') return wrapInline(f.out, '*');
  if (t === 'code') return pre ? f.out : blank(f.out) ? f.out : inlineCode(f.out);
  if (t === 'pre') return `\n\n\`\`\`\n${f.out.replace(/^\n/, '').replace(/\n$/, '')}\n\`\`\`\n\n`;
  if (t in HEADINGS) {
    const text = f.out.replace(/\s+/g, ' ').trim();
    return text ? `\n\n${HEADINGS[t]} ${text}\n\n` : '';
  }
  if (t === 'blockquote') {
    const body = tidyBlock(f.out);
    return body ? `\n\n${body.replace(/^/gm, '> ')}\n\n` : '';
  }
  if (t === 'li') return tidyBlock(f.out);
  if (t === 'ul' || t === 'ol') {
    const items = f.items ?? [];
    if (items.length === 0) return blank(f.out) ? '' : `\n\n${tidyBlock(f.out)}\n\n`;
    const lines = items.map((item, i) => {
      const prefix = t === 'ol' ? `${i + 1}.  ` : '-   ';
      return prefix + item.replace(/\n/g, `\n${' '.repeat(prefix.length)}`);
    });
    // A list nested in an item follows the item's line directly, as turndown writes it.
    return parent.tag === 'li' ? `\n${lines.join('\n')}\n` : `\n\n${lines.join('\n')}\n\n`;
  }
  if (BLOCKS.has(t)) return `\n\n${tidyBlock(f.out)}\n\n`;
  return f.out; // span, font, u, s, strike, del: their text only
}

/** Cuts trailing spaces from the pieces written so far (the last pieces only: never the whole text again). */
function trimPartsEnd(parts: string[]): void {
  while (parts.length > 0) {
    const last = parts[parts.length - 1]!;
    let i = last.length;
    while (i > 0 && last.charCodeAt(i - 1) === 32) i--;
    if (i > 0) {
      if (i < last.length) parts[parts.length - 1] = last.slice(0, i);
      return;
    }
    parts.pop();
  }
}

/** Elements that start a new line: text right after them loses its leading space, as in a browser. */
const BREAKS = new Set([...BLOCKS, ...Object.keys(HEADINGS), 'blockquote', 'ul', 'ol', 'li', 'pre', 'hr', 'br']);

/** HTML to Markdown with only harmless structure kept (not yet neutralised). */
export function htmlToRawMarkdown(html: string): string {
  const stack: Frame[] = [{ tag: '#root', parts: [] }];
  // Inside a dropped element (hidden, or not text): how many of its elements are open.
  let skipDepth = 0;
  let preDepth = 0;
  let codeDepth = 0;
  // True when nothing but whitespace has been written since the last line break; and after a space.
  let lineStart = true;
  let afterSpace = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (skipDepth > 0 || NON_TEXT.has(name) || isHidden(attribs)) {
          skipDepth++;
          return;
        }
        const f: Frame = { tag: name, parts: [] };
        if (name === 'a') f.href = attribs.href ?? '';
        if (name === 'img') {
          f.src = attribs.src ?? '';
          f.alt = attribs.alt ?? '';
        }
        if (name === 'ul' || name === 'ol') f.items = [];
        if (name === 'pre') preDepth++;
        if (name === 'code') codeDepth++;
        if (BREAKS.has(name)) lineStart = true;
        stack.push(f);
      },
      ontext(text) {
        if (skipDepth > 0) return;
        const top = stack[stack.length - 1]!;
        if (preDepth > 0) {
          top.parts.push(text);
          lineStart = text.endsWith('\n');
          return;
        }
        // Whitespace runs are one space, and none at the start of a line, as a browser shows them.
        let t = /[\t\r\n\f]| {2}/.test(text) ? text.replace(/[ \t\r\n\f]+/g, ' ') : text;
        if (lineStart || afterSpace) t = t.replace(/^ /, '');
        if (t === '') return;
        // Code keeps its characters; other text has Markdown's active ones escaped.
        top.parts.push(codeDepth > 0 ? t : escapeText(t, lineStart));
        lineStart = false;
        afterSpace = t.endsWith(' ');
      },
      onclosetag(name) {
        // htmlparser2 closes every element it opened, implied or not, innermost first.
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (stack.length <= 1 || stack[stack.length - 1]!.tag !== name) return;
        const f = stack.pop()!;
        if (name === 'pre') preDepth--;
        if (name === 'code') codeDepth--;
        const parent = stack[stack.length - 1]!;
        const md = close(f, preDepth > 0, parent);
        if (BREAKS.has(name)) {
          lineStart = true;
          afterSpace = false;
          trimPartsEnd(parent.parts);
        } else if (md !== '') {
          lineStart = md.endsWith('\n');
          afterSpace = md.endsWith(' ');
        }
        if (name === 'li' && parent.items) parent.items.push(md);
        else if (md !== '') parent.parts.push(md);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.write(html);
  parser.end();
  return stack[0]!.parts.join('');
}

/** HTML mail body -> neutralised Markdown. */
export function htmlToMarkdown(html: string): string {
  const md = htmlToRawMarkdown(html);
  return neutraliseMarkdown(stripInvisible(tidyBlock(md))).replace(/\n{3,}/g, '\n\n').trim();
}

/** Plain-text mail body -> neutralised Markdown. */
export function textToMarkdown(text: string): string {
  // Trailing blanks cut line by line: a regex tries a match at every space of the text.
  const lines = neutraliseMarkdown(stripInvisible(text)).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const last = l.charCodeAt(l.length - 1);
    if (last === 32 || last === 9) lines[i] = l.replace(/[ \t]+$/, '');
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
