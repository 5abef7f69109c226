// Property types shared by every note kind. They follow the Obsidian property conventions that
// Dataview, Tasks and Bases read as they are: flat snake_case keys, `YYYY-MM-DD` dates, local
// datetimes without an offset, quoted wikilinks, `tags` as a list without `#`.
import { z } from 'zod';

export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const DATETIME_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
export const WIKILINK_RE = /^\[\[[^[\]|#^]+(#[^[\]|]*)?(\|[^[\]]*)?\]\]$/;

export const date = z.string().regex(DATE_RE, 'expected a date YYYY-MM-DD');
export const datetime = z.string().regex(DATETIME_RE, 'expected a local datetime YYYY-MM-DDTHH:mm:ss without offset');
export const wikilink = z.string().regex(WIKILINK_RE, 'expected a quoted wikilink "[[Note]]"');
export const tags = z.array(z.string().regex(/^[^#\s,][^\s,]*$/, 'a tag without # or spaces')).default([]);
/** Money in notes is a plain number without a currency symbol; exact arithmetic happens in money.ts. */
export const amount = z.number().finite();
export const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR');
export const nonEmpty = z.string().trim().min(1, 'must not be empty');
export const email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address');
export const confidential = z.boolean().default(false);

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
