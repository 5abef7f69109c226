// The morning digest: at `schedule_digest` (after the night's data and passes have caught up: it is in
// the reports stage), today's note in Digests/ made from the vault by a fixed template, in the owner's
// language, with a short summary on top from a local model when one answers and says nothing the
// template does not. Made again the same day, the owner's section under its heading stays.
import { DIGEST_OWNER_HEADING, type Frontmatter } from '../../contract/index.ts';
import type { Job, JobContext, JobResult } from '../core/job.ts';
import { catalogue, type Language } from '../core/i18n/index.ts';
import { readDigest } from './read.ts';
import { renderDigest } from './render.ts';

/**
 * The numbers and the names a summary holds must be in the template's text: a summary that adds a
 * figure or a party the vault does not show is dropped, not trusted.
 */
export function summaryFits(summary: string, template: string): boolean {
  const digits = (s: string) => s.replace(/[\s\u00a0\u202f.,']/g, '');
  const known = new Set((template.match(/\d[\d\s\u00a0.,']*\d|\d/g) ?? []).map(digits));
  const knownText = template.toLowerCase();
  for (const n of summary.match(/\d[\d\s\u00a0.,']*\d|\d/g) ?? []) if (!known.has(digits(n)) && !knownText.includes(n.trim().toLowerCase())) return false;
  // A capitalised word not opening a sentence is a name: it must be in the template.
  for (const m of summary.matchAll(/(?<![.!?]\s|^)(?<=\s)(\p{Lu}[\p{L}\p{N}-]+)/gu)) if (!template.includes(m[1]!)) return false;
  return true;
}

async function summaryOf(ctx: JobContext, template: string): Promise<string | undefined> {
  const language = ctx.settings.string('language');
  const r = await ctx.models.summarise({
    module: 'digest', tier: 'easy',
    // Never the cloud: the digest is the whole business.
    confidential: true,
    maxWords: 60,
    instruction: language === 'ru' ? 'Кратко, по-русски, 2-3 предложения: что требует внимания владельца сегодня. Только факты из текста.' : 'In 2-3 sentences: what needs the owner today. Only facts from the text.',
    data: template,
  });
  if (!r.ok || r.location !== 'local' || r.provider === 'learner') return undefined;
  const text = r.value.summary.replace(/\s+/g, ' ').trim();
  if (!text || !summaryFits(text, template)) return undefined;
  return `> [!summary] ${catalogue(language)['digest.summary']({ model: r.model })}\n> ${text}\n`;
}

export async function digestRun(ctx: JobContext): Promise<JobResult> {
  const input = readDigest(ctx);
  const t = catalogue(input.language);
  const template = renderDigest(input, t);
  const summary = await summaryOf(ctx, template).catch(() => undefined);
  const [title, ...rest] = template.split('\n');
  const heading = DIGEST_OWNER_HEADING[(input.language as Language) in DIGEST_OWNER_HEADING ? (input.language as Language) : 'en'];
  const body = [title, '', ...(summary ? [summary] : []), ...rest.slice(1), heading, ''].join('\n');
  const fm: Frontmatter<'digest'> = {
    date: input.today,
    generated: ctx.clock.localDateTime(),
    questions: input.openTotal,
    open_items: input.decisions.map((d) => d.link.replace(/\|[^\]]*\]\]$/, ']]')),
  };
  const w = ctx.vault.writeCompanionNote('digest', fm, body);
  ctx.index.noteChanged(w.path);
  return {
    status: 'ok',
    summary: `${w.path}: ${input.decisions.length} question(s) of ${input.openTotal} open${summary ? ', with a local summary' : ''}`,
    counts: { questions: input.openTotal, summary: summary ? 1 : 0 },
  };
}

export const digestJob: Job = {
  name: 'digest',
  stage: 'reports',
  description: 'Writes the morning digest: what needs the owner, cash, inbox, deadlines and money due, what ran overnight',
  triggers: [{ kind: 'schedule', setting: 'schedule_digest' }],
  run: digestRun,
};
