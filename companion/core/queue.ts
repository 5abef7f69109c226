// The decision queue and proposals: one note per finding, raised once. The keys already raised are
// remembered in the state folder, so an item or proposal the owner deleted is not raised again.
import type { Frontmatter } from '../../contract/index.ts';
import type { DecisionInput, ProposalInput } from './job.ts';
import type { Vault } from './vault.ts';
import type { VaultIndex } from './vault-index.ts';
import type { StateDir } from './state.ts';
import type { Clock } from './clock.ts';

export function renderDecisionBody(item: DecisionInput): string {
  const lines = [`# ${item.title}`, '', item.why, ''];
  if (item.evidence?.length) lines.push('## Evidence', '', ...item.evidence.map((e) => `- ${e}`), '');
  lines.push('## Options', '', ...item.options.map((o) => `- ${o}`), '');
  if (item.details) lines.push('## Details', '', item.details.trimEnd(), '');
  lines.push('> [!note] How to answer', '> Set `status: decided` and `answer:` to one of the options (the plugin\'s decision queue does this for you), or `status: deferred` with `deferred_until`.', '');
  return lines.join('\n');
}

export function renderProposalBody(p: ProposalInput): string {
  const lines = [`# ${p.proposal_type === 'counterparty' ? 'New counterparty' : 'New contract'}: ${p.proposed_name}`, ''];
  lines.push(`Seen in ${p.source}. Accept to create the ${p.proposal_type} note with these details, or reject; either way it is not proposed again.`, '');
  if (p.details) lines.push(p.details.trimEnd(), '');
  if (p.evidence?.length) lines.push('## Evidence', '', ...p.evidence.map((e) => `- ${e}`), '');
  return lines.join('\n');
}

export class Queue {
  constructor(
    private readonly vault: Vault,
    private readonly index: VaultIndex,
    private readonly state: StateDir,
    private readonly clock: Clock,
  ) {}

  private raised(file: string, key: string): boolean {
    const keys = new Set(this.state.readLines(file));
    return keys.has(key);
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
      created: this.clock.localDateTime(),
      deadline: item.deadline,
      why: item.why,
      evidence: item.evidence ?? [],
      options: item.options,
      module: item.module ?? module,
      status: 'open',
    };
    const { path } = this.vault.writeCompanionNote('decision_item', fm, renderDecisionBody(item));
    this.state.appendLine('decision-keys.txt', item.finding_key);
    return { path, created: true };
  }

  addProposal(p: ProposalInput): { path: string; created: boolean } {
    const existing = this.index.findByKey('proposal', 'finding_key', p.finding_key);
    if (existing) return { path: existing.path, created: false };
    if (this.raised('proposal-keys.txt', p.finding_key)) return { path: '', created: false };
    const fm: Frontmatter<'proposal'> = {
      proposal_type: p.proposal_type,
      finding_key: p.finding_key,
      proposed_name: p.proposed_name,
      status: 'open',
      created: this.clock.localDateTime(),
      source: p.source,
      relationship: p.relationship,
      emails: p.emails ?? [],
      domains: p.domains ?? [],
      tax_id: p.tax_id,
      accounts: p.accounts ?? [],
      telegram: p.telegram ?? [],
      evidence: p.evidence ?? [],
    };
    const { path } = this.vault.writeCompanionNote('proposal', fm, renderProposalBody(p));
    this.state.appendLine('proposal-keys.txt', p.finding_key);
    return { path, created: true };
  }
}

