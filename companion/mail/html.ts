// HTML mail bodies: sanitised first (turndown alone keeps tracking images and `javascript:` links and
// reveals hidden text), then converted to Markdown, then passed through the same neutraliser as text.
import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { neutraliseMarkdown, stripInvisible } from './neutralise.ts';

const ALLOWED_TAGS = [
  'p', 'br', 'div', 'span', 'a', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'hr',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'img', 'font', 'center', 'section', 'article', 'main',
];

const HIDDEN_STYLE = /(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|max-height\s*:\s*0(?![.\d]*[1-9])|(?:^|;)\s*height\s*:\s*0(?![.\d]*[1-9])[^;]*;[^]*overflow\s*:\s*hidden|mso-hide\s*:\s*all)/i;

function isHidden(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs) return true;
  if (attribs['aria-hidden'] === 'true') return true;
  const style = attribs.style ?? '';
  return HIDDEN_STYLE.test(style);
}

/** Sanitised HTML: only harmless structure, no hidden elements (dropped with their text, never revealed). */
export function sanitiseMailHtml(html: string): string {
  // allowedEmptyAttributes keeps a bare `hidden` for the filter; the installed typings predate the option.
  const options: sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] } = {
    allowedTags: ALLOWED_TAGS,
    // style and hidden are kept only so exclusiveFilter can see them; turndown ignores attributes.
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt'], '*': ['style', 'hidden', 'aria-hidden'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    allowedEmptyAttributes: ['alt', 'hidden'],
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'svg', 'math', 'object', 'iframe', 'frameset', 'noembed', 'xml'],
    exclusiveFilter: (frame) => isHidden(frame.attribs),
    parseStyleAttributes: false,
  };
  return sanitizeHtml(html, options);
}

let turndown: TurndownService | undefined;

function converter(): TurndownService {
  if (turndown) return turndown;
  const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
  // A remote image is never loaded: it becomes a plain link the owner can click.
  td.addRule('imageAsLink', {
    filter: 'img',
    replacement: (_content, node) => {
      const el = node as HTMLElement;
      const src = el.getAttribute('src') ?? '';
      const alt = (el.getAttribute('alt') ?? '').replace(/[[\]\n]/g, ' ').trim();
      if (!/^https?:\/\//i.test(src)) return alt;
      return `[${alt || 'image'}](${src.replace(/[()\s]/g, encodeURIComponent)})`;
    },
  });
  td.addRule('safeLink', {
    filter: 'a',
    replacement: (content, node) => {
      const href = (node as HTMLElement).getAttribute('href') ?? '';
      const text = content.trim();
      if (!/^(https?:\/\/|mailto:)/i.test(href)) return text;
      return `[${text || href}](${href.replace(/[()\s]/g, encodeURIComponent)})`;
    },
  });
  td.remove(['style', 'script']);
  turndown = td;
  return td;
}

/** HTML mail body -> neutralised Markdown. */
export function htmlToMarkdown(html: string): string {
  const clean = sanitiseMailHtml(html);
  const md = converter().turndown(clean);
  return neutraliseMarkdown(stripInvisible(md)).replace(/\n{3,}/g, '\n\n').trim();
}

/** Plain-text mail body -> neutralised Markdown. */
export function textToMarkdown(text: string): string {
  return neutraliseMarkdown(stripInvisible(text)).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}
