// Most mail is one text part with plain ASCII headers. Such a message is read here directly, giving
// exactly what mailparser gives for it (simple-message.test.ts compares the two on every fixture and
// on generated variants), at a fraction of the time and garbage: mailparser streams each message
// through several transforms and copies its body three times. Anything outside the narrow shape
// accepted here (multipart, encoded words, other charsets, flowed text, unusual addresses, a
// disposition, repeated headers, a date that does not parse) returns undefined and goes to mailparser.
import type { MailAddress, MailContent } from './message.ts';

/** Headers that must appear at most once for the fast path (mailparser keeps the first of some, merges others). */
const ONCE = ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references', 'content-type', 'content-transfer-encoding', 'precedence'];
const CONTENT_TYPE = /^text\/(plain|html)\s*(?:;\s*charset\s*=\s*(?:"(?:utf-8|us-ascii)"|utf-8|us-ascii)\s*)?;?$/i;
const ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable', 'base64']);
// An address as addressparser reads it without surprises: no quotes, comments, groups or escapes around it.
const ADDR = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;
const NAME = /^[A-Za-z0-9 ._'-]*$/;

/** Where the header block ends: the index of the first empty line's end, or -1. */
function bodyStart(raw: Buffer): { headerEnd: number; body: number } | undefined {
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    const len = i - lineStart - (i > lineStart && raw[i - 1] === 0x0d ? 1 : 0);
    if (len === 0) return lineStart === 0 ? undefined : { headerEnd: lineStart, body: i + 1 };
    lineStart = i + 1;
  }
  return undefined;
}

function headersOf(raw: Buffer, end: number): Map<string, string[]> | undefined {
  for (let i = 0; i < end; i++) {
    const c = raw[i]!;
    // Printable ASCII, tab and line ends only: anything else is decoded by mailparser's rules.
    if (!((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d)) return undefined;
  }
  const text = raw.toString('latin1', 0, end);
  if (text.includes('=?')) return undefined; // encoded words
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let current: string | undefined;
  const flush = () => {
    if (current === undefined) return;
    // As libmime unfolds and splits a header line.
    const line = current.replace(/(?:\r?\n|\r)[ \t]*/g, ' ').trim();
    const m = /^([^:]+):(.*)$/s.exec(line);
    if (!m) return;
    const key = m[1]!.trim().toLowerCase();
    const list = headers.get(key) ?? [];
    list.push(m[2]!.trim());
    headers.set(key, list);
  };
  for (const line of lines) {
    if (line.includes('\r')) return undefined; // a lone CR: line ends are mailparser's to judge
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined) return undefined;
      current += `\n${line}`;
    } else {
      flush();
      if (!line.includes(':')) return undefined;
      current = line;
    }
  }
  flush();
  return headers;
}

/** A list of plain addresses (`a@b`, `<a@b>`, `Name <a@b>`, `"Name" <a@b>`), or undefined for anything else. */
function addresses(value: string | undefined): MailAddress[] | undefined {
  if (value === undefined) return [];
  // A comma between quotes would split a name: such lists (and odd quoting) go to mailparser.
  if (value.includes('"') && ((value.match(/"/g) ?? []).length % 2 !== 0 || /"[^"]*,[^"]*"/.test(value))) return undefined;
  const out: MailAddress[] = [];
  for (const part of value.split(',')) {
    const p = part.trim();
    if (p === '') return undefined;
    let name = '';
    let address: string;
    const angle = /^(.*?)\s*<([^<>]*)>$/.exec(p);
    if (angle) {
      name = angle[1]!.trim();
      address = angle[2]!.trim();
      if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).trim();
      if (name.includes('"') || (name === '' && angle[1]!.trim() !== '')) return undefined;
    } else address = p;
    if (!ADDR.test(address) || !NAME.test(name)) return undefined;
    out.push({ address: address.toLowerCase(), name });
  }
  return out;
}

/** As mailparser writes a Message-ID: angle brackets added where missing; an empty value is none. */
function messageIdFormat(v: string): string | undefined {
  if (v.length === 0) return undefined;
  return `${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}`;
}

const hexValue = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** Quoted-printable as libqp decodes it: blanks at line ends dropped, soft breaks joined, =XX to a byte. */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const input = body
    .toString('binary')
    .replace(/(^|[^ \t])[ \t]+(?=[\n\r\u2028\u2029]|$)/g, '$1')
    .replace(/[=](?:\r?\n|$)/g, '');
  const out = Buffer.alloc(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === 0x3d && i < input.length - 2) {
      const hi = hexValue(input.charCodeAt(i + 1));
      const lo = hexValue(input.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = code;
  }
  return out.subarray(0, n);
}

/** The message, when it has the simple shape; undefined sends it to mailparser. */
export function parseSimpleMessage(raw: Buffer): MailContent | undefined {
  const split = bodyStart(raw);
  if (!split) return undefined;
  const headers = headersOf(raw, split.headerEnd);
  if (!headers) return undefined;
  for (const k of ONCE) if ((headers.get(k)?.length ?? 0) > 1) return undefined;
  if (headers.has('content-disposition')) return undefined;
  const one = (k: string) => headers.get(k)?.[0];

  const type = CONTENT_TYPE.exec(one('content-type') ?? 'text/plain');
  if (!type) return undefined;
  const encoding = (one('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (!ENCODINGS.has(encoding)) return undefined;

  const from = addresses(one('from'));
  const to = addresses(one('to'));
  const cc = addresses(one('cc'));
  if (!from || !to || !cc) return undefined;
  let date: Date | undefined;
  const dateText = one('date');
  if (dateText !== undefined && dateText !== '') {
    date = new Date(dateText);
    if (Number.isNaN(date.getTime())) return undefined; // mailparser would put the time of parsing
  } else if (dateText === '') return undefined;

  const bodyBytes = raw.subarray(split.body);
  // Base64 with anything but its alphabet, line breaks and final padding is left to mailparser's decoder.
  if (encoding === 'base64' && !/^[A-Za-z0-9+/\r\n \t]*=*[\r\n \t]*$/.test(bodyBytes.toString('latin1'))) return undefined;
  const decoded = encoding === 'base64' ? Buffer.from(bodyBytes.toString('latin1'), 'base64') : encoding === 'quoted-printable' ? decodeQuotedPrintable(bodyBytes) : bodyBytes;
  const content = decoded.toString('utf8').replace(/\r?\n/g, '\n');
  const isHtml = type[1]!.toLowerCase() === 'html';

  const subject = (one('subject') ?? '').replace(/\s+/g, ' ').trim();
  const messageId = messageIdFormat(one('message-id') ?? '');
  const inReplyTo = messageIdFormat(one('in-reply-to') ?? '');
  const references = (one('references') ?? '').split(/\s+/).map((r) => messageIdFormat(r)).filter((r): r is string => r !== undefined);
  const has = (k: string) => headers.has(k);
  const list = has('list-id') || has('list-unsubscribe') || has('list-post') || /^(bulk|list|junk)$/i.test((one('precedence') ?? '').trim());
  return {
    subject,
    ...(from[0] ? { from: from[0] } : {}),
    to,
    cc,
    ...(date ? { date } : {}),
    ...(messageId ? { messageId } : {}),
    ...(inReplyTo ? { inReplyTo } : {}),
    references,
    list,
    ...(!isHtml && content.trim() !== '' ? { text: content } : {}),
    ...(isHtml && content.trim() !== '' ? { html: content } : {}),
    attachments: [],
  };
}
