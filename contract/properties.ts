// Property types shared by every note kind. They follow the Obsidian property conventions that
// Dataview, Tasks and Bases read as they are: flat snake_case keys, `YYYY-MM-DD` dates, local
// datetimes without an offset, quoted wikilinks, `tags` as a list without `#`.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const DATETIME_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
export const WIKILINK_RE = /^\[\[[^[\]|#^]+(#[^[\]|]*)?(\|[^[\]]*)?\]\]$/;

export const date = z.string().check(z.regex(DATE_RE, 'expected a date YYYY-MM-DD'));
export const datetime = z.string().check(z.regex(DATETIME_RE, 'expected a local datetime YYYY-MM-DDTHH:mm:ss without offset'));
export const wikilink = z.string().check(z.regex(WIKILINK_RE, 'expected a quoted wikilink "[[Note]]"'));
export const tags = z._default(z.array(z.string().check(z.regex(/^[^#\s,][^\s,]*$/, 'a tag without # or spaces'))), []);
/** Money in notes is a plain number without a currency symbol (zod numbers are finite); exact arithmetic happens in money.ts. */
export const amount = z.number();
export const currency = z.string().check(z.regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR'));
export const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
export const email = z.string().check(z.regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address'));
export const confidential = z._default(z.boolean(), false);

/** A wikilink to a note with this base name. The target must not contain link syntax. */
export function linkTo(baseName: string): string {
  return `[[${baseName.replace(/[[\]|#^]/g, ' ').trim()}]]`;
}

/**
 * A wikilink to a note by its vault path (without `.md`): it opens that note whatever others share its
 * base name. `label`, when given, is what the link shows.
 */
export function linkToNote(path: string, label?: string): string {
  const target = linkTo(path.replace(/\.md$/, '')).slice(0, -2);
  return `${target}${label ? `|${label.replace(/[[\]|]/g, ' ').trim()}` : ''}]]`;
}

/** The note name a wikilink points to, or undefined when the text is not a wikilink. */
export function linkTarget(link: string): string | undefined {
  const m = /^\[\[([^[\]|#^]+)(?:#[^[\]|]*)?(?:\|[^[\]]*)?\]\]$/.exec(link.trim());
  return m ? m[1]!.trim() : undefined;
}
