// The chats module: Telegram Desktop exports dropped into the import folder become one note per chat
// per day. Messages are remembered by id in the state, so the same export dropped again with more
// messages adds only those, and a day that gains messages has its note regenerated.
import { readFileSync } from 'node:fs';
import { ImportError, type ImportFile, type Importer } from '../core/import-folder.ts';
import type { Job, JobContext, JobResult } from '../core/job.ts';
import { linkTo } from '../../contract/index.ts';
import { whenCounterpartiesChanged } from '../core/relink.ts';
import { looksLikeTelegram, parseTelegramExport, TelegramFormatError, type Chat } from './telegram.ts';
import { renderChatDay, type DayMessage } from './render.ts';

const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

type Stored = Record<string, Record<string, DayMessage>>;

function stateName(chatId: string): string {
  return `chat-${chatId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
}

/** Local date and time of a message in the business time zone (the export's own clock when it has no epoch). */
function when(ctx: JobContext, m: Chat['messages'][number]): { date: string; time: string } {
  const local = m.unix !== undefined ? ctx.clock.localDateTime(new Date(m.unix * 1000)) : m.date;
  return { date: local.slice(0, 10), time: local.slice(11, 19) };
}

function counterpartyFor(ctx: JobContext, chat: Chat): string | undefined {
  const names = [chat.name, ...new Set(chat.messages.map((m) => m.from))];
  for (const n of names) {
    const hit = ctx.index.findCounterparty({ name: n.replace(/^@/, '') });
    if (hit) return linkTo(hit.name);
  }
  return undefined;
}

/** Links chat days that name no counterparty to one a counterparty note now matches by chat or sender name. */
export function relinkChats(ctx: JobContext): number {
  return whenCounterpartiesChanged(ctx, () => {
    let linked = 0;
    for (const e of ctx.index.byKind('chat_log')) {
      if (e.frontmatter.counterparty) continue;
      const names = [String(e.frontmatter.chat), ...((e.frontmatter.participants as string[] | undefined) ?? [])];
      const hit = names.map((n) => ctx.index.findCounterparty({ name: n.replace(/^@/, '') })).find(Boolean);
      if (!hit) continue;
      ctx.vault.updateCompanionKeys(e.path, { counterparty: linkTo(hit.name) }, { skipIfEdited: true });
      if (ctx.index.get(e.path)?.frontmatter.counterparty) linked++;
    }
    return linked;
  });
}

export async function importTelegram(file: ImportFile, ctx: JobContext): Promise<Record<string, number>> {
  if (file.size > MAX_EXPORT_BYTES) throw new ImportError(`${file.name}: larger than 512 MB; export chats one at a time`, 'telegram');
  let chats: Chat[];
  try {
    chats = parseTelegramExport(readFileSync(file.absPath, 'utf8'), file.name);
  } catch (e) {
    if (e instanceof TelegramFormatError) throw new ImportError(e.message, 'telegram');
    throw e;
  }
  const counts = { chat_days: 0, chat_messages: 0 };
  for (const chat of chats) {
    const stored = ctx.state.readJson<Stored>(stateName(chat.id), {});
    const changed = new Set<string>();
    for (const m of chat.messages) {
      const { date, time } = when(ctx, m);
      const day = (stored[date] ??= {});
      if (day[m.id]) continue;
      day[m.id] = { id: m.id, time, from: m.from, text: m.text, media: m.media };
      changed.add(date);
      counts.chat_messages++;
    }
    if (changed.size === 0) continue;
    const cp = counterpartyFor(ctx, chat);
    // Notes first, state after: a crash in between regenerates the same notes next time (unchanged).
    for (const date of [...changed].sort()) {
      const { frontmatter, body } = renderChatDay(chat, date, Object.values(stored[date]!), cp);
      const { aios_kind: _kind, ...fm } = frontmatter;
      void _kind;
      const r = ctx.vault.writeCompanionNote('chat_log', fm, body);
      if (r.outcome !== 'unchanged') counts.chat_days++;
      if (r.outcome === 'conflict') ctx.log.warn({ path: r.path }, 'chat log edited by the owner: new version written beside it');
    }
    ctx.state.writeJson(stateName(chat.id), stored);
  }
  return counts;
}

export const telegramImporter: Importer = {
  format: 'telegram',
  sniff: looksLikeTelegram,
  import: importTelegram,
};

export const chatsJob: Job = {
  name: 'chats',
  stage: 'data',
  description: 'Telegram Desktop exports (result.json) into one note per chat per day, linked to counterparties.',
  // A new counterparty note links the chat days it matches without a re-import.
  triggers: [{ kind: 'import' }, { kind: 'notes', kinds: ['counterparty'] }],
  importers: [telegramImporter],
  async run(ctx): Promise<JobResult> {
    const r = await ctx.importFiles([telegramImporter]);
    const linked = relinkChats(ctx);
    if (r.imported === 0 && r.quarantined === 0) {
      return linked ? { status: 'ok', summary: `${linked} chat day(s) linked to counterparties`, counts: { linked } } : { status: 'skipped', summary: 'no chat export waiting' };
    }
    const days = r.counts.chat_days ?? 0;
    const msgs = r.counts.chat_messages ?? 0;
    return {
      status: 'ok',
      summary: `${msgs} new chat message(s) in ${days} day note(s)${linked ? `, ${linked} linked to counterparties` : ''}${r.quarantined ? `, ${r.quarantined} file(s) quarantined` : ''}`,
      counts: { chat_messages: msgs, chat_days: days, quarantined: r.quarantined, linked },
    };
  },
};
