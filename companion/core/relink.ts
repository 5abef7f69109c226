// Links follow new counterparties without a re-import: when the set of counterparty notes (or their
// identifiers) changed since a module last looked, the module links its unlinked notes or rows again.
import { createHash } from 'node:crypto';
import type { JobContext } from './job.ts';

/** A digest of every counterparty note and the identifiers it carries. */
export function counterpartiesDigest(ctx: Pick<JobContext, 'index'>): string {
  const h = createHash('sha256');
  for (const e of ctx.index.byKind('counterparty').sort((a, b) => a.path.localeCompare(b.path))) {
    const f = e.frontmatter;
    h.update(JSON.stringify([e.path, f.name, f.aliases, f.emails, f.domains, f.tax_id, f.accounts, f.telegram]));
  }
  return h.digest('hex').slice(0, 16);
}

/** What a relink did: how many links it made, and the notes it had to leave (the owner is editing them). */
export interface Relinked {
  linked: number;
  left: string[];
}

/**
 * Runs `relink` when the counterparties changed since this job's last relink, then remembers the digest
 * (after it succeeded: a crash relinks again, which finds the links made and changes nothing). Notes it
 * had to leave are remembered too and offered again on every run (`only`) until they are linked.
 */
export function whenCounterpartiesChanged(ctx: Pick<JobContext, 'index' | 'state'>, relink: (only?: ReadonlySet<string>) => number | Relinked): number {
  const digest = counterpartiesDigest(ctx);
  const saved = ctx.state.readJson<{ digest?: string; left?: string[] }>('relink.json', {});
  if (saved.digest === digest && !saved.left?.length) return 0;
  const r = relink(saved.digest === digest ? new Set(saved.left) : undefined);
  const { linked, left } = typeof r === 'number' ? { linked: r, left: [] } : r;
  if (saved.digest !== digest || JSON.stringify(left) !== JSON.stringify(saved.left ?? [])) ctx.state.writeJson('relink.json', { digest, ...(left.length ? { left } : {}) });
  return linked;
}
