// The shape of a note-kind definition. Every note the product reads or writes is one of these.
import type * as z from 'zod/mini';

export type Owner = 'owner' | 'companion';

export interface KindSpec<S extends z.ZodMiniObject = z.ZodMiniObject> {
  /** Value of the `aios_kind` property. */
  readonly kind: string;
  /** Human name, sentence case. */
  readonly title: string;
  readonly description: string;
  /** Settings key that moves this kind's folder; the default folder applies when it is unset. */
  readonly folderSetting: string;
  readonly defaultFolder: string;
  /** Who writes the note. The companion never rewrites an owner-written note. */
  readonly owner: Owner;
  /**
   * Properties the other side may change. On a companion-written note these are the owner's keys
   * (status, answer, corrections), edited through the plugin and kept when the companion regenerates
   * the note. On an owner-written note these are the keys the companion may answer in (only the request
   * kind has any: its status, when and what); otherwise none, and the companion does not change it.
   */
  readonly otherSideMay: readonly string[];
  /** Frontmatter schema, without the common keys (`aios_kind`, `tags`, `aios_hash`). */
  readonly schema: S;
  /**
   * One note of this kind, at `<folder>/<fileName>.md`: it is found by that path, and a note claiming
   * the kind anywhere else is not read as one (a mailed "settings" note configures nothing).
   */
  readonly singleton?: boolean;
  /**
   * Recomputed from other data (the cash position, a run log): when the owner edits the companion's
   * part, their version is kept as a conflict copy and the note is regenerated, so the note the owner
   * opens stays current. Without it (a ledger, the truth itself) the companion's new version goes to
   * the copy instead and the owner decides.
   */
  readonly derived?: boolean;
  /** Path of the note inside its folder, without `.md`; may include sub-folders such as `2026/11/`. */
  fileName(fm: z.infer<S>): string;
}

export function defineKind<const N extends string, S extends z.ZodMiniObject>(spec: KindSpec<S> & { readonly kind: N }): KindSpec<S> & { readonly kind: N } {
  return spec;
}
