// One chat on one day as a note: a line per message, every text through the mail neutraliser.
import { KIND_KEY, type Frontmatter } from '../../contract/index.ts';
import { textToMarkdown } from '../mail/html.ts';
import { neutraliseMarkdown } from '../core/neutralise.ts';

export interface DayMessage {
  id: string;
  time: string;
  from: string;
  text: string;
  media: string[];
}

const byId = (a: DayMessage, b: DayMessage) => a.time.localeCompare(b.time) || Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);

export function renderChatDay(chat: { id: string; name: string }, date: string, messages: readonly DayMessage[], counterparty?: string): { frontmatter: Frontmatter<'chat_log'> & { [KIND_KEY]: 'chat_log' }; body: string } {
  const sorted = [...messages].sort(byId);
  const participants = [...new Set(sorted.map((m) => m.from))];
  const lines = sorted.map((m) => {
    const text = textToMarkdown(m.text).replace(/\n/g, '\n  ');
    const media = m.media.length ? ` *(${m.media.map((x) => neutraliseMarkdown(x)).join(', ')})*` : '';
    return `- **${m.time.slice(0, 5)} ${neutraliseMarkdown(m.from)}:** ${text}${media}`;
  });
  return {
    frontmatter: {
      [KIND_KEY]: 'chat_log',
      chat: chat.name.replace(/\[\[|\]\]/g, ' ').trim() || 'Chat',
      chat_id: chat.id,
      source: 'telegram',
      date,
      participants,
      ...(counterparty ? { counterparty } : {}),
      message_count: sorted.length,
      first_message_id: sorted[0]!.id,
      last_message_id: sorted[sorted.length - 1]!.id,
      status: 'new',
    },
    body: `# ${neutraliseMarkdown(chat.name)}, ${date}\n\n${lines.join('\n')}\n`,
  };
}
