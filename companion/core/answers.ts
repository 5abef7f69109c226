// Answers that act, exactly once. When the owner decides a queue item (in the plugin, by hand, or on
// another device whose edit synced here), the handler its module declared for the chosen option runs,
// the outcome is recorded on the item (`resolved_at`, `resolution`) and a decision record is created,
// and the item is never acted on again. A crash between the effect and the record runs the handler
// again, and handlers are idempotent, so the effect is neither lost nor repeated; a journal in the
// state folder keeps the outcome of a handler that finished, so its wording survives the crash too.
// Accepted and rejected proposals are acted on the same way.
import { catalogueFor } from './i18n/index.ts';
import { answeredOption, linkToNote, type Frontmatter } from '../../contract/index.ts';
import { crashPoint } from './crash-points.ts';
import type { AnswerOutcome, AnsweredItem, DecisionKind, Job, JobContext, JobResult, Module } from './job.ts';
import { actOnProposal } from './proposals.ts';
import { recordOutcome } from './queue.ts';
import type { IndexEntry } from './vault-index.ts';

const JOURNAL = 'journal.jsonl';

interface JournalLine {
  /** `<item path>\t<finding key>\t<option>` */
  id: string;
  resolution: string;
}

/** The kinds the core itself raises. */
export const CORE_DECISIONS: readonly DecisionKind[] = [
  {
    kind: 'note_edited',
    options: {
      keep_copy: async (_item, ctx) => ({ resolution: catalogueFor(ctx)['core.done.kept_copy']() }),
      delete_copy: async (item, ctx) => {
        const copy = item.targets.find((t) => t.startsWith('note:'))?.slice(5);
        if (!copy) return { resolution: catalogueFor(ctx)['core.done.no_copy']() };
        return { resolution: ctx.vault.removeFile(copy) ? catalogueFor(ctx)['core.done.deleted_copy']({ copy }) : catalogueFor(ctx)['core.done.copy_gone']({ copy }) };
      },
    },
  },
];

function journalOf(ctx: JobContext): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of ctx.state.readLines(JOURNAL)) {
    try {
      const j = JSON.parse(l) as JournalLine;
      m.set(j.id, j.resolution);
    } catch {
      // a line cut by a crash: that handler runs again
    }
  }
  return m;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function answered(e: IndexEntry, option: string): AnsweredItem {
  const fm = e.frontmatter;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    path: e.path,
    finding_key: String(fm.finding_key),
    kind: String(fm.kind),
    title: String(fm.title),
    option,
    targets: strings(fm.targets),
    evidence: strings(fm.evidence),
    ...(str(fm.comment) ? { comment: str(fm.comment)! } : {}),
    ...(str(fm.counterparty) ? { counterparty: str(fm.counterparty)! } : {}),
    ...(str(fm.contract) ? { contract: str(fm.contract)! } : {}),
  };
}

/** The decision record of an answered item: created once (create-only, found again by its finding key), then the owner's. */
export function writeDecisionRecord(ctx: JobContext, e: IndexEntry, option: string, outcome: AnswerOutcome): string {
  const fm = e.frontmatter as unknown as Frontmatter<'decision_item'>;
  const existing = ctx.index.findByKey('decision_record', 'finding_key', fm.finding_key);
  if (existing) return existing.path;
  const date = (fm.decided_at ?? ctx.clock.localDateTime()).slice(0, 10);
  const text = fm.options[fm.option_ids.indexOf(option)] ?? option;
  const record: Frontmatter<'decision_record'> = {
    title: fm.title,
    date,
    status: 'decided',
    decided_by: 'owner',
    related: [...new Set([...fm.evidence, ...(fm.counterparty ? [fm.counterparty] : []), ...(fm.contract ? [fm.contract] : [])])],
    // By path: an item and its record share a base name when answered on the day it was raised.
    queue_item: linkToNote(e.path),
    finding_key: fm.finding_key,
    decision_kind: fm.kind,
    option,
    counterparty: fm.counterparty,
    contract: fm.contract,
  };
  const path = ctx.vault.pathFor('decision_record', record);
  const t = catalogueFor(ctx);
  const body = [
    `# ${fm.title}`,
    '',
    `**${t['record.decided']()}:** ${text}`,
    ...(fm.comment ? ['', `**${t['record.comment']()}:** ${fm.comment}`] : []),
    '',
    `**${t['record.did']()}:** ${outcome.resolution}`,
    '',
    `## ${t['record.why']()}`,
    '',
    fm.why,
    '',
    t['record.from']({ item: linkToNote(e.path) }),
    '',
  ].join('\n');
  ctx.vault.createNote(path, { aios_kind: 'decision_record', ...record }, body);
  return path;
}

/** A decision kind and the module whose state its handlers work in. */
export interface RegisteredKind {
  module: string;
  spec: DecisionKind;
}

/** The context a handler runs in: the answers run's, with its own module's state folder and log. */
function moduleContext(ctx: JobContext, module: string): JobContext {
  if (module === 'core') return ctx;
  // Object.create keeps the lazy `models` getter lazy.
  return Object.assign(Object.create(ctx) as JobContext, { state: ctx.state.sibling(module), log: ctx.log.child({ module }) });
}

/** Acts on every decided item not yet acted on. Returns the count acted on and any that could not be. */
export async function actOnAnswers(ctx: JobContext, kinds: readonly RegisteredKind[]): Promise<{ acted: number; waiting: number; held: number; failed: string[] }> {
  const byKind = new Map(kinds.map((k) => [k.spec.kind, k]));
  const journal = journalOf(ctx);
  // waiting: answers that name no option; held: accepted proposals that cannot be made yet (see their resolution).
  let acted = 0, waiting = 0, held = 0;
  const failed: string[] = [];
  const items = ctx.index.byKind('decision_item').filter((e) => e.frontmatter.status === 'decided' && !e.frontmatter.resolved_at).sort((a, b) => a.path.localeCompare(b.path));
  for (const e of items) {
    if (ctx.signal.aborted) break;
    const fm = e.frontmatter as unknown as Frontmatter<'decision_item'>;
    const option = answeredOption(fm, fm.answer);
    if (!option) {
      // A free-text answer is a comment; only an option acts.
      const note = catalogueFor(ctx)['core.done.no_option']({ answer: fm.answer ?? '', options: fm.option_ids.join(', ') || fm.options.join(', ') });
      if (fm.resolution !== note) recordOutcome(ctx.vault, e.path, { resolution: note, ...(fm.comment ? {} : { comment: fm.answer }) });
      waiting++;
      continue;
    }
    const id = `${e.path}\t${fm.finding_key}\t${option}`;
    let resolution = journal.get(id);
    if (resolution === undefined) {
      const reg = byKind.get(fm.kind);
      const handler = reg?.spec.options[option];
      try {
        resolution = handler && reg ? (await handler(answered(e, option), moduleContext(ctx, reg.module))).resolution : catalogueFor(ctx)['core.done.no_action']({ option, kind: fm.kind });
      } catch (err) {
        // Not recorded as done: the next run tries again.
        failed.push(`${e.path}: ${(err as Error).message}`);
        ctx.log.error({ item: e.path, option, err: (err as Error).message }, 'answer handler failed');
        continue;
      }
      crashPoint('answers.after-effect');
      ctx.state.appendLine(JOURNAL, JSON.stringify({ id, resolution } satisfies JournalLine));
      journal.set(id, resolution);
    }
    const record = writeDecisionRecord(ctx, e, option, { resolution });
    crashPoint('answers.after-record');
    recordOutcome(ctx.vault, e.path, { resolved_at: ctx.clock.localDateTime(), resolution, record: linkToNote(record) });
    acted++;
  }
  for (const e of ctx.index.byKind('proposal').filter((p) => (p.frontmatter.status === 'accepted' || p.frontmatter.status === 'rejected') && !p.frontmatter.resolved_at)) {
    if (ctx.signal.aborted) break;
    try {
      if (await actOnProposal(ctx, e)) acted++;
      else held++;
    } catch (err) {
      failed.push(`${e.path}: ${(err as Error).message}`);
    }
  }
  return { acted, waiting, held, failed };
}

/** The job that acts on answers: first in `aios once all`, and whenever an answer arrives under `aios run`. */
export function answersJob(modules: readonly Module[]): Job {
  const kinds: RegisteredKind[] = [
    ...CORE_DECISIONS.map((spec) => ({ module: 'core', spec })),
    ...modules.flatMap((m) => (m.decisions ?? []).map((spec) => ({ module: m.name, spec }))),
  ];
  return {
    name: 'answers',
    stage: 'data',
    description: 'Acts once on every answered decision and every accepted or rejected proposal, and records what it did.',
    triggers: [{ kind: 'notes', kinds: ['decision_item', 'proposal'] }],
    async run(ctx): Promise<JobResult> {
      const r = await actOnAnswers(ctx, kinds);
      const wait = [...(r.waiting ? [`${r.waiting} name no option`] : []), ...(r.held ? [`${r.held} accepted proposal(s) wait for a fix`] : [])];
      if (r.acted === 0 && r.failed.length === 0) return { status: 'skipped', summary: wait.length ? `no new answers; ${wait.join(', ')}` : 'no new answers' };
      return {
        status: r.failed.length && r.acted === 0 ? 'failed' : 'ok',
        summary: `${r.acted} answer(s) acted on${wait.length ? `, ${wait.join(', ')}` : ''}${r.failed.length ? `; not yet: ${r.failed.join('; ')}` : ''}`,
        counts: { acted: r.acted, waiting: r.waiting, held: r.held, failed: r.failed.length },
      };
    },
  };
}
