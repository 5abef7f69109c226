// The decision queue and proposals: one note per finding, raised once. The keys already raised are
// remembered in the state folder, so an item or proposal the owner deleted is not raised again. A
// proposal is one per real-world thing: whatever identifier a pass saw it by, it merges into the open
// proposal that shares one, and an identifier the owner rejected is never proposed again.
import { HASH_KEY, KIND_KEY, WROTE_KEY, identifiersOf, linkTo, type Frontmatter } from '../../contract/index.ts';
import type { DecisionInput, ProposalInput } from './job.ts';
import type { Vault, WriteOutcome } from './vault.ts';
import type { IndexEntry, VaultIndex } from './vault-index.ts';
import type { StateDir } from './state.ts';
import type { Clock } from './clock.ts';
import { catalogue, type Catalogue } from './i18n/index.ts';

export function renderDecisionBody(item: DecisionInput, t: Catalogue): string {
  const lines = [`# ${item.title}`, '', item.why, ''];
  if (item.evidence?.length) lines.push(`## ${t['queue.evidence']()}`, '', ...item.evidence.map((e) => `- ${e}`), '');
  lines.push(`## ${t['queue.options']()}`, '', ...item.options.map((o) => `- ${o.text} (\`${o.id}\`)`), '');
  if (item.details) lines.push(`## ${t['queue.details']()}`, '', item.details.trimEnd(), '');
  lines.push(`> [!note] ${t['queue.how.title']()}`, `> ${t['queue.how']()}`, '');
  return lines.join('\n');
}

export function renderProposalBody(p: ProposalInput, t: Catalogue): string {
  const lines = [`# ${t[p.proposal_type === 'counterparty' ? 'proposal.counterparty' : 'proposal.contract']({ name: p.proposed_name })}`, ''];
  lines.push(t['proposal.how']({ source: p.source, type: p.proposal_type }), '');
  if (p.details) lines.push(p.details.trimEnd(), '');
  if (p.evidence?.length) lines.push(`## ${t['queue.evidence']()}`, '', ...p.evidence.map((e) => `- ${e}`), '');
  return lines.join('\n');
}

/** The queue's folder in the state directory (the runtime keeps its queue there). */
export const QUEUE_STATE = 'queue';
const REJECTED = 'rejected-identifiers.txt';

/** What refuses a rejected proposal's firm for good: its key and identifiers; a name alone is too weak. */
export function rejectedIdentifiers(p: Pick<Frontmatter<'proposal'>, 'finding_key' | 'identifiers'>): string[] {
  return [...new Set([p.finding_key, ...p.identifiers.filter((i) => !i.startsWith('name:'))])];
}

/**
 * Remembers rejected proposals in the queue's state folder, so deleting one forgets nothing. `known`
 * (what the file holds, when the caller read it) is updated too.
 */
export function rememberRejected(queueState: StateDir, rejected: readonly Pick<Frontmatter<'proposal'>, 'finding_key' | 'identifiers'>[], known = new Set(queueState.readLines(REJECTED))): void {
  const fresh: string[] = [];
  for (const p of rejected) {
    for (const id of rejectedIdentifiers(p)) {
      if (known.has(id)) continue;
      known.add(id);
      fresh.push(id);
    }
  }
  if (fresh.length) queueState.appendLine(REJECTED, fresh.join('\n'));
}

const union = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] => [...new Set([...(a ?? []), ...(b ?? [])])];

export class Queue {
  constructor(
    private readonly vault: Vault,
    private readonly index: VaultIndex,
    private readonly state: StateDir,
    private readonly clock: () => Clock,
    /** The owner's language now (the settings may change while the service runs). */
    private readonly language: () => string,
  ) {}

  private raised(file: string, key: string): boolean {
    return new Set(this.state.readLines(file)).has(key);
  }

  /**
   * Identifiers (and finding keys) of proposals the owner rejected: never proposed again. Recorded when
   * the rejection is acted on (rememberRejected), and read from rejected proposals not acted on yet.
   */
  rejected(): Set<string> {
    const known = new Set(this.state.readLines(REJECTED));
    rememberRejected(this.state, this.index.byKind('proposal').filter((e) => e.frontmatter.status === 'rejected').map((e) => e.frontmatter as unknown as Frontmatter<'proposal'>), known);
    return known;
  }

  addDecision(item: DecisionInput, module: string): { path: string; created: boolean } {
    const existing = this.index.findByKey('decision_item', 'finding_key', item.finding_key);
    if (existing) return { path: existing.path, created: false };
    if (this.raised('decision-keys.txt', item.finding_key)) return { path: '', created: false };
    const fm: Frontmatter<'decision_item'> = {
      finding_key: item.finding_key,
      kind: item.kind,
      title: item.title,
      severity: item.severity ?? 'medium',
      created: this.clock().localDateTime(),
      deadline: item.deadline,
      why: item.why,
      evidence: item.evidence ?? [],
      options: item.options.map((o) => o.text),
      option_ids: item.options.map((o) => o.id),
      targets: item.targets ?? [],
      module: item.module ?? module,
      counterparty: item.counterparty,
      contract: item.contract,
      status: 'open',
    };
    const { path } = this.vault.writeCompanionNote('decision_item', fm, renderDecisionBody(item, catalogue(this.language())));
    this.state.appendLine('decision-keys.txt', item.finding_key);
    return { path, created: true };
  }

  /** Closes an open item whose facts went away; an item the owner answered or deferred is theirs and stays. */
  resolveDecision(findingKey: string, reason: string): boolean {
    const e = this.index.findByKey('decision_item', 'finding_key', findingKey);
    // Read again right before the write: an answer saved since the index saw the item wins.
    if (!e || e.frontmatter.status !== 'open' || this.vault.readNote(e.path).frontmatter.status !== 'open') return false;
    const outcome = recordOutcome(this.vault, e.path, { status: 'resolved', resolution: reason, resolved_at: this.clock().localDateTime() });
    return outcome === 'updated' && this.index.get(e.path)?.frontmatter.status === 'resolved';
  }

  addProposal(p: ProposalInput): { path: string; created: boolean } {
    const ids = union(identifiersOf(p), p.identifiers);
    const rejected = this.rejected();
    if (rejected.has(p.finding_key) || ids.some((i) => rejected.has(i))) return { path: '', created: false };
    // Known already: a counterparty note carries one of its identifiers.
    if (p.proposal_type === 'counterparty' && ids.some((i) => this.counterpartyBy(i))) return { path: '', created: false };
    const open = this.openProposalSharing(p.proposal_type, p.finding_key, ids);
    if (open) return this.mergeInto(open, p, ids);
    if (this.raised('proposal-keys.txt', p.finding_key)) return { path: '', created: false };
    const fm: Frontmatter<'proposal'> = {
      proposal_type: p.proposal_type,
      finding_key: p.finding_key,
      proposed_name: p.proposed_name,
      status: 'open',
      created: this.clock().localDateTime(),
      source: p.source,
      relationship: p.relationship,
      identifiers: ids,
      emails: p.emails ?? [],
      domains: p.domains ?? [],
      tax_id: p.tax_id,
      accounts: p.accounts ?? [],
      telegram: p.telegram ?? [],
      counterparty: p.counterparty,
      contract_number: p.contract_number,
      contract_start: p.contract_start,
      contract_end: p.contract_end,
      notice_days: p.notice_days,
      auto_renew: p.auto_renew,
      evidence: p.evidence ?? [],
    };
    const { path } = this.vault.writeCompanionNote('proposal', fm, renderProposalBody(p, catalogue(this.language())));
    this.state.appendLine('proposal-keys.txt', p.finding_key);
    return { path, created: true };
  }

  private counterpartyBy(id: string): IndexEntry | undefined {
    const colon = id.indexOf(':');
    const [kind, value] = [id.slice(0, colon), id.slice(colon + 1)];
    switch (kind) {
      case 'email': return this.index.findCounterparty({ email: value });
      case 'domain': return this.index.findCounterparty({ domain: value });
      case 'tax': return this.index.findCounterparty({ taxId: value });
      case 'account': return this.index.findCounterparty({ account: value });
      case 'telegram': return this.index.findCounterparty({ name: value.replace(/^@/, '') });
      case 'name': return this.index.findCounterparty({ name: value });
      default: return undefined;
    }
  }

  private openProposalSharing(type: string, findingKey: string, ids: readonly string[]): IndexEntry | undefined {
    const candidates = [this.index.findByKey('proposal', 'finding_key', findingKey), ...ids.map((i) => this.index.findByKey('proposal', 'identifiers', i))];
    return candidates.find((e) => e !== undefined && e.frontmatter.status === 'open' && e.frontmatter.proposal_type === type);
  }

  /** What a second pass saw goes into the open proposal: every identifier, address, account and piece of evidence. */
  private mergeInto(e: IndexEntry, p: ProposalInput, ids: readonly string[]): { path: string; created: boolean } {
    const cur = e.frontmatter as unknown as Frontmatter<'proposal'>;
    const patch: Partial<Frontmatter<'proposal'>> = {
      identifiers: union(cur.identifiers, ids),
      emails: union(cur.emails, p.emails),
      domains: union(cur.domains, p.domains),
      tax_id: cur.tax_id ?? p.tax_id,
      accounts: union(cur.accounts, p.accounts),
      telegram: union(cur.telegram, p.telegram),
      relationship: cur.relationship ?? p.relationship,
      counterparty: cur.counterparty ?? p.counterparty,
      contract_number: cur.contract_number ?? p.contract_number,
      contract_start: cur.contract_start ?? p.contract_start,
      contract_end: cur.contract_end ?? p.contract_end,
      notice_days: cur.notice_days ?? p.notice_days,
      auto_renew: cur.auto_renew ?? p.auto_renew,
      evidence: union(cur.evidence, p.evidence).slice(0, 20),
    };
    const changed = Object.entries(patch).some(([k, v]) => JSON.stringify(v) !== JSON.stringify((cur as Record<string, unknown>)[k]));
    if (changed) this.vault.updateCompanionKeys(e.path, patch);
    return { path: e.path, created: false };
  }
}

/**
 * Writes the companion's outcome (`resolved_at`, `resolution`, ...) into a queue item or proposal. The
 * owner's edits of the note (a retitled item, a tax id corrected on a proposal, a line below it) are
 * its new baseline: the outcome lands on the note itself, never in a conflict copy that every later
 * run would make again while the note stayed unresolved.
 */
export function recordOutcome(vault: Vault, path: string, patch: Record<string, unknown>): WriteOutcome {
  const note = vault.readNote(path);
  const kind = note.frontmatter[KIND_KEY];
  if (kind !== 'decision_item' && kind !== 'proposal') throw new Error(`${path}: not a queue item or proposal`);
  const fm: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(note.frontmatter)) if (k !== KIND_KEY && k !== HASH_KEY && k !== WROTE_KEY) fm[k] = v;
  Object.assign(fm, patch);
  const write = kind === 'proposal'
    ? vault.writeCompanionNote('proposal', fm as unknown as Frontmatter<'proposal'>, note.body, { path, ownerAsked: true })
    : vault.writeCompanionNote('decision_item', fm as unknown as Frontmatter<'decision_item'>, note.body, { path, ownerAsked: true });
  return write.outcome;
}

/** The link to a note by its path, for evidence lists. */
export function linkToPath(path: string): string {
  return linkTo(path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/, ''));
}
