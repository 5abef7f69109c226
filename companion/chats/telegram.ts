// Telegram Desktop's JSON export (`result.json`): one chat, or the whole account (`chats.list`).
// Parsed into plain chat messages; text entities are flattened to their text, links kept as text.

export interface ChatMessage {
  id: string;
  /** Local date and time of the export's machine, YYYY-MM-DDTHH:mm:ss. */
  date: string;
  /** Seconds since the epoch when the export has them (newer exports). */
  unix?: number;
  from: string;
  fromId?: string;
  text: string;
  /** Media or files mentioned by the message (their names only: the files are not imported). */
  media: string[];
}

export interface Chat {
  id: string;
  name: string;
  type: string;
  messages: ChatMessage[];
}

export class TelegramFormatError extends Error {}

const CHAT_TYPES = /"type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup|saved_messages|bot_chat|public_channel|private_channel)"/;

/** A Telegram export: a JSON object naming a chat type, or the account export's "about". */
export function looksLikeTelegram(head: Buffer, name: string): boolean {
  const text = head.subarray(0, 65536).toString('utf8').replace(/^\uFEFF/, '');
  if (!/^\s*\{/.test(text)) return false;
  return (CHAT_TYPES.test(text) && /"messages"\s*:/.test(text)) || (/\.json$/i.test(name) && /"about"\s*:\s*"[^"]*Telegram/i.test(text));
}

type Entity = string | { type?: string; text?: string; href?: string };

function flattenText(t: unknown): string {
  if (typeof t === 'string') return t;
  if (!Array.isArray(t)) return '';
  return (t as Entity[])
    .map((e) => {
      if (typeof e === 'string') return e;
      const text = typeof e.text === 'string' ? e.text : '';
      // A text link shows its words; the address follows in brackets so nothing is hidden behind it.
      return e.type === 'text_link' && typeof e.href === 'string' && e.href !== text ? `${text} (${e.href})` : text;
    })
    .join('');
}

function parseChat(raw: Record<string, unknown>, where: string): Chat {
  const id = raw.id;
  if (typeof id !== 'number' && typeof id !== 'string') throw new TelegramFormatError(`${where}: chat without an id`);
  if (!Array.isArray(raw.messages)) throw new TelegramFormatError(`${where}: chat without messages`);
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : raw.type === 'saved_messages' ? 'Saved Messages' : `Chat ${id}`;
  const messages: ChatMessage[] = [];
  for (const m of raw.messages as Record<string, unknown>[]) {
    if (typeof m !== 'object' || m === null || m.type !== 'message') continue;
    if (typeof m.id !== 'number' && typeof m.id !== 'string') continue;
    if (typeof m.date !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(m.date)) {
      throw new TelegramFormatError(`${where}: message ${String(m.id)} has no readable date`);
    }
    const media: string[] = [];
    for (const k of ['file', 'photo']) if (typeof m[k] === 'string') media.push(String(m[k]).split('/').pop()!);
    const unix = Number(m.date_unixtime);
    messages.push({
      id: String(m.id),
      date: m.date.length === 16 ? `${m.date}:00` : m.date,
      ...(Number.isFinite(unix) && unix > 0 ? { unix } : {}),
      from: typeof m.from === 'string' && m.from ? m.from : typeof m.actor === 'string' ? m.actor : 'Unknown',
      ...(typeof m.from_id === 'string' ? { fromId: m.from_id } : {}),
      text: flattenText(m.text),
      media,
    });
  }
  return { id: String(id), name, type: typeof raw.type === 'string' ? raw.type : 'unknown', messages };
}

export function parseTelegramExport(json: string, fileName: string): Chat[] {
  let data: unknown;
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new TelegramFormatError(`${fileName}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null) throw new TelegramFormatError(`${fileName}: not a Telegram export`);
  const obj = data as Record<string, unknown>;
  const list = (obj.chats as { list?: unknown } | undefined)?.list;
  if (Array.isArray(list)) return list.map((c, i) => parseChat(c as Record<string, unknown>, `${fileName}, chat ${i + 1}`));
  if (Array.isArray(obj.messages)) return [parseChat(obj, fileName)];
  throw new TelegramFormatError(`${fileName}: no chats or messages in it: not a Telegram Desktop export`);
}
