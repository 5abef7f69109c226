// Proposals become notes, once per real-world thing. Accepting creates the counterparty or contract
// note from the proposal's fields (create-only); when a counterparty note already shares one of its
// identifiers, or the owner named one to merge into, that note is linked instead and nothing is
// duplicated. Rejecting is remembered by the queue for every identifier. Mail, chats and ledger rows
// of a new counterparty are linked by their modules' next run, without a re-import.
import { catalogueFor } from './i18n/index.ts';
import { identifiersOf, linkTo, safeFileName, shortHash, type Frontmatter } from '../../contract/index.ts';
import type { JobContext } from './job.ts';
import { QUEUE_STATE, linkToPath, recordOutcome, rejectedIdentifiers, rememberRejected } from './queue.ts';
import type { IndexEntry } from './vault-index.ts';

/** The stable id a note created from a proposal carries, so a retry after a crash finds it. */
export const proposalNoteId = (p: Pick<Frontmatter<'proposal'>, 'proposal_type' | 'finding_key'>) => `${p.proposal_type === 'counterparty' ? 'cp' : 'ct'}-${shortHash(p.finding_key, 10)}`;

/** A counterparty note for the proposal: made from it before (`ours`), the one the owner chose, or one that shares an identifier or its name. */
interface Found {
  entry: IndexEntry;
  how: 'ours' | 'chosen' | 'shared';
  why: string;
}

function existingCounterparty(ctx: JobContext, p: Frontmatter<'proposal'>): Found | undefined {
  const ours = ctx.index.findByKey('counterparty', 'aios_id', proposalNoteId(p));
  if (ours) return { entry: ours, how: 'ours', why: 'created' };
  if (p.merge_into) {
    const e = ctx.index.resolveLink(p.merge_into);
    if (e?.kind === 'counterparty') return { entry: e, how: 'chosen', why: `you chose to merge into ${linkTo(e.name)}` };
  }
  for (const id of [...p.identifiers, ...identifiersOf(p)]) {
    const [kind, value] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    const e =
      kind === 'email' ? ctx.index.findCounterparty({ email: value })
        : kind === 'domain' ? ctx.index.findCounterparty({ domain: value })
          : kind === 'tax' ? ctx.index.findCounterparty({ taxId: value })
            : kind === 'account' ? ctx.index.findCounterparty({ account: value })
              : undefined;
    if (e) return { entry: e, how: 'shared', why: `${linkTo(e.name)} already has ${id}` };
  }
  // Last, the name the owner accepted it under: filing treats a counterparty of that name as known too.
  const named = ctx.index.findCounterparty({ name: p.proposed_name });
  if (named) return { entry: named, how: 'shared', why: `${linkTo(named.name)} has the name ${p.proposed_name}` };
  return undefined;
}

/** A free path for a new note named `name` in `folder`: the name itself, or with a short suffix when taken. */
function freePath(ctx: JobContext, folder: string, name: string, key: string): string {
  const base = `${folder}/${safeFileName(name)}`;
  return ctx.vault.exists(`${base}.md`) ? `${base} ${shortHash(key, 4)}.md` : `${base}.md`;
}

function acceptCounterparty(ctx: JobContext, e: IndexEntry, p: Frontmatter<'proposal'>): { resolution: string; note?: string } {
  const found = existingCounterparty(ctx, p);
  // The owner said which note to merge into: never a new one instead, even when that link is wrong.
  if (p.merge_into && found?.how !== 'ours' && found?.how !== 'chosen') {
    return { resolution: catalogueFor(ctx)['proposal.done.bad_merge']({ merge: String(p.merge_into), name: p.proposed_name }) };
  }
  if (found) {
    const fm = found.entry.frontmatter;
    const have = new Set(identifiersOf({ emails: fm.emails as string[], domains: fm.domains as string[], tax_id: fm.tax_id as string | undefined, accounts: fm.accounts as string[], telegram: fm.telegram as string[] }));
    // What the note lacks that a note can carry (a name is no field of it).
    const missing = p.identifiers.filter((i) => !have.has(i) && !i.startsWith('contract:') && !i.startsWith('name:'));
    const resolution = found.how === 'ours'
      ? catalogueFor(ctx)['proposal.done.created']({ note: linkTo(found.entry.name) })
      : catalogueFor(ctx)['proposal.done.linked']({ note: linkTo(found.entry.name), why: found.why, missing: missing.join(', ') });
    return { resolution, note: linkTo(found.entry.name) };
  }
  const name = p.proposed_name.trim();
  const path = freePath(ctx, ctx.vault.folder('counterparty'), name, p.finding_key);
  const fm: Frontmatter<'counterparty'> & { aios_kind: 'counterparty'; aios_id: string } = {
    aios_kind: 'counterparty',
    aios_id: proposalNoteId(p),
    name,
    aliases: [],
    relationship: p.relationship ?? 'other',
    status: 'active',
    emails: p.emails,
    domains: p.domains.filter((d) => /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d)),
    ...(p.tax_id ? { tax_id: p.tax_id } : {}),
    accounts: p.accounts,
    telegram: p.telegram,
    confidential: false,
  };
  const body = `# ${name}\n\n${catalogueFor(ctx)['proposal.note_body']({ proposal: linkToPath(e.path) })}\n`;
  ctx.vault.createNote(path, fm, body);
  return { resolution: catalogueFor(ctx)['proposal.done.created']({ note: linkToPath(path) }), note: linkToPath(path) };
}

function acceptContract(ctx: JobContext, e: IndexEntry, p: Frontmatter<'proposal'>): { resolution: string; note?: string } {
  const ours = ctx.index.findByKey('contract', 'aios_id', proposalNoteId(p));
  if (ours) return { resolution: catalogueFor(ctx)['proposal.done.created']({ note: linkTo(ours.name) }), note: linkTo(ours.name) };
  if (!p.counterparty) return { resolution: catalogueFor(ctx)['proposal.done.no_counterparty']() };
  const same = p.contract_number ? ctx.index.byKind('contract').find((c) => c.frontmatter.number === p.contract_number && String(c.frontmatter.counterparty).toLowerCase() === p.counterparty!.toLowerCase()) : undefined;
  if (same) return { resolution: catalogueFor(ctx)['proposal.done.same_contract']({ note: linkTo(same.name), number: String(p.contract_number) }), note: linkTo(same.name) };
  const cpName = p.counterparty.replace(/^\[\[|\]\]$/g, '').split('|')[0]!;
  const path = freePath(ctx, ctx.vault.folder('contract'), `${cpName} - ${p.proposed_name}`, p.finding_key);
  const fm: Frontmatter<'contract'> & { aios_kind: 'contract'; aios_id: string } = {
    aios_kind: 'contract',
    aios_id: proposalNoteId(p),
    title: p.proposed_name,
    counterparty: p.counterparty,
    ...(p.contract_number ? { number: p.contract_number } : {}),
    status: 'active',
    ...(p.contract_start ? { start: p.contract_start } : {}),
    ...(p.contract_end ? { end: p.contract_end } : {}),
    auto_renew: p.auto_renew ?? false,
    ...(p.notice_days !== undefined ? { notice_days: p.notice_days } : {}),
    confidential: false,
  };
  ctx.vault.createNote(path, fm, `# ${p.proposed_name}\n\n${catalogueFor(ctx)['proposal.note_body']({ proposal: linkToPath(e.path) })}\n`);
  return { resolution: catalogueFor(ctx)['proposal.done.created']({ note: linkToPath(path) }), note: linkToPath(path) };
}

/** Acts on an accepted or rejected proposal once; records what was done on the proposal. False when nothing could be made yet. */
export async function actOnProposal(ctx: JobContext, e: IndexEntry): Promise<boolean> {
  const p = e.frontmatter as unknown as Frontmatter<'proposal'>;
  let outcome: { resolution: string; note?: string };
  if (p.status === 'rejected') {
    // Recorded now, while the proposal is there: the owner may delete it next.
    rememberRejected(ctx.state.sibling(QUEUE_STATE), [p]);
    outcome = { resolution: catalogueFor(ctx)['proposal.done.rejected']({ ids: rejectedIdentifiers(p).join(', ') }) };
  } else {
    outcome = p.proposal_type === 'counterparty' ? acceptCounterparty(ctx, e, p) : acceptContract(ctx, e, p);
    // Nothing made or linked yet (no counterparty named, a wrong merge_into): said, and tried again after the owner's fix.
    if (!outcome.note) {
      if (p.resolution !== outcome.resolution) recordOutcome(ctx.vault, e.path, { resolution: outcome.resolution });
      return false;
    }
  }
  recordOutcome(ctx.vault, e.path, { resolved_at: ctx.clock.localDateTime(), resolution: outcome.resolution, ...(outcome.note ? { note: outcome.note } : {}) });
  return true;
}
