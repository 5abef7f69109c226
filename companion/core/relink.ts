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

/**
 * Runs `relink` when the counterparties changed since this job's last relink, then remembers the digest
 * (after it succeeded: a crash relinks again, which finds the links made and changes nothing).
 */
export function whenCounterpartiesChanged(ctx: Pick<JobContext, 'index' | 'state'>, relink: () => number): number {
  const digest = counterpartiesDigest(ctx);
  if (ctx.state.readJson<{ digest?: string }>('relink.json', {}).digest === digest) return 0;
  const n = relink();
  ctx.state.writeJson('relink.json', { digest });
  return n;
}
