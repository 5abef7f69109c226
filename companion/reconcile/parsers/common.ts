// What the invoice parsers share: decoding XML bytes by their declaration, a namespace-aware SAX reader
// that builds small trees only for the elements a parser asks for (so a large export streams), strict
// amounts and dates, and the one rule for signs: a document whose total is negative is the opposite
// document for the absolute amount (a negative invoice is a credit note, and the reverse).
import { SaxesParser } from 'saxes';
import { MoneyFormatError, parseMoney, type Money } from '../../../contract/money.ts';
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';

// ---------------------------------------------------------------- text and encodings

/** The encoding an XML document declares (BOM first, then `<?xml ... encoding="..."?>`), lower case; UTF-8 when silent. */
export function xmlEncoding(head: Uint8Array): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']/.exec(new TextDecoder('latin1').decode(head.subarray(0, 300)));
  return decl ? decl[1]!.toLowerCase() : 'utf-8';
}

/** Decodes bytes as text in pieces (the whole file never becomes one string twice). */
export function* decodeBytes(bytes: Uint8Array, encoding: string, ref: string, format: string, piece = 65536): Generator<string> {
  let dec: TextDecoder;
  try {
    dec = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new InvoiceFormatError(`${ref}: the file declares the encoding "${encoding}", which cannot be read`, format);
  }
  try {
    for (let i = 0; i < bytes.length; i += piece) yield dec.decode(bytes.subarray(i, i + piece), { stream: true });
    yield dec.decode();
  } catch (e) {
    if (e instanceof TypeError) throw new InvoiceFormatError(`${ref}: the bytes are not valid ${encoding} text (garbled or another encoding than declared)`, format);
    throw e;
  }
}

/** Spaces collapsed, trimmed; undefined when nothing is left. */
export function clean(text: string | undefined): string | undefined {
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/** A tax id or number as written, whitespace removed. */
export function compact(text: string | undefined): string | undefined {
  const s = (text ?? '').replace(/\s+/g, '');
  return s === '' ? undefined : s;
}

/** The first of the candidates that is a tax id: whitespace removed, with a digit (`XX`, `n/a` are placeholders). */
export function taxIdOf(...candidates: (string | undefined)[]): string | undefined {
  for (const c of candidates) {
    const t = compact(c);
    if (t && /\d/.test(t)) return t;
  }
  return undefined;
}

/** Account numbers and IBANs, spaces removed, upper case, each once; placeholders without a digit (`IBAN`, `XX`) dropped. */
export function accountsOf(values: Iterable<string | undefined>): string[] | undefined {
  const out: string[] = [];
  for (const v of values) {
    const a = compact(v)?.toUpperCase();
    if (a && /\d/.test(a) && !out.includes(a)) out.push(a);
  }
  return out.length ? out : undefined;
}

// ---------------------------------------------------------------- amounts, dates, currencies

const PLAIN = { '.': /^[+-]?(\d+(\.\d*)?|\.\d+)$/, ',': /^[+-]?(\d+(,\d*)?|,\d+)$/ } as const;

/** A plain decimal as an exact amount: digits, one decimal mark, an optional sign. Anything else refuses the document. */
export function amount(text: string | undefined, what: string, ref: string, format: string, decimal: '.' | ',' = '.'): Money {
  const s = (text ?? '').trim();
  if (!PLAIN[decimal].test(s)) throw new InvoiceFormatError(`${ref}: ${what} "${s}" is not a plain decimal amount`, format);
  try {
    return parseMoney(s, decimal);
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new InvoiceFormatError(`${ref}: ${what} "${s}" is not an amount: ${e.message}`, format);
    throw e;
  }
}

export function optAmount(text: string | undefined, what: string, ref: string, format: string, decimal: '.' | ',' = '.'): Money | undefined {
  return text === undefined || text.trim() === '' ? undefined : amount(text, what, ref, format, decimal);
}

export function checkedIso(year: string, month: string, day: string): string | undefined {
  const y = Number(year), mo = Number(month), d = Number(day);
  if (!(y >= 1000 && mo >= 1 && mo <= 12 && d >= 1)) return undefined;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** `2026-11-05`, `2026-11-05T10:00:00`, `20261105` (CII format 102), `05.11.2026` -> `2026-11-05`; undefined otherwise. */
export function isoDate(text: string | undefined): string | undefined {
  const s = (text ?? '').trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(s);
  if (m) return checkedIso(m[1]!, m[2]!, m[3]!);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return checkedIso(m[1]!, m[2]!, m[3]!);
  m = /^(\d{2})\.(\d{2})\.(\d{4})(?:$| )/.exec(s);
  if (m) return checkedIso(m[3]!, m[2]!, m[1]!);
  return undefined;
}

/** A date the document must have: refuses it, naming the field, when absent or not a real date. */
export function requiredDate(text: string | undefined, what: string, ref: string, format: string): string {
  const d = isoDate(text);
  if (!d) throw new InvoiceFormatError(`${ref}: ${what} ${text?.trim() ? `"${text.trim()}" is not a date` : 'is missing'}`, format);
  return d;
}

// ISO 4217 numeric codes 1C writes as a currency's code.
const NUMERIC_CURRENCY: Record<string, string> = {
  '643': 'RUB', '810': 'RUB', '978': 'EUR', '840': 'USD', '398': 'KZT', '933': 'BYN', '156': 'CNY', '826': 'GBP', '756': 'CHF',
  '980': 'UAH', '860': 'UZS', '417': 'KGS', '051': 'AMD', '944': 'AZN', '981': 'GEL', '949': 'TRY', '392': 'JPY', '784': 'AED',
};

/** An ISO 4217 code from what accounting systems write: `EUR`, `RUR`, `руб`, `руб.`, `643`. */
export function isoCurrency(text: string | undefined): string | undefined {
  const s = (text ?? '').trim();
  if (/^[A-Za-z]{3}$/.test(s)) return s.toUpperCase() === 'RUR' ? 'RUB' : s.toUpperCase();
  if (/^(руб\.?|рубль|рубли|рублей|р\.)$/i.test(s)) return 'RUB';
  if (/^\d{3}$/.test(s)) return NUMERIC_CURRENCY[s];
  return undefined;
}

// ---------------------------------------------------------------- types and signs

/**
 * UNTDID 1001 codes EN 16931 allows for credit notes (BT-3); every other code is an invoice. 384 (corrected
 * invoice) is not among them: a correction is read as the difference it states, so its sign decides.
 */
export const CREDIT_NOTE_CODES: ReadonlySet<string> = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);

/** The stated figures of a document, signed as written. */
export interface Stated {
  payable: Money;
  prepaid?: Money | undefined;
  vat?: Money | undefined;
  net?: Money | undefined;
}

/**
 * Total and type from what the document states. `total` is what is payable plus what was prepaid (so
 * `total - prepaid` is the payable amount, BT-115). A negative total makes the document the opposite one
 * for the absolute amounts: a negative invoice credits the buyer, as a credit note does, and a negative
 * credit note (rare) charges, as an invoice does.
 */
export function settle(type: InvoiceDoc['type'], s: Stated): Pick<InvoiceDoc, 'type' | 'total' | 'vat' | 'net' | 'prepaid'> {
  const total = s.payable + (s.prepaid ?? 0n);
  const flip = total < 0n;
  const sign = flip ? -1n : 1n;
  const out: Pick<InvoiceDoc, 'type' | 'total' | 'vat' | 'net' | 'prepaid'> = {
    type: flip ? (type === 'invoice' ? 'credit_note' : 'invoice') : type,
    total: total * sign,
  };
  if (s.vat !== undefined) out.vat = s.vat * sign;
  if (s.net !== undefined) out.net = s.net * sign;
  if (s.prepaid !== undefined && s.prepaid !== 0n) out.prepaid = s.prepaid * sign;
  return out;
}

/** Drops the keys whose value is undefined or an empty list, so documents compare and serialise cleanly. */
export function tidy<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    const v = o[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}

export function party(p: Party): Party {
  return tidy(p);
}

/**
 * A key that is the same whenever the same document is read again, from the same file or another source
 * (a PDF and its XML, a CommerceML file and the same 1C base over OData): type, number, issue date and
 * the parties' tax ids (or names when a party has none).
 */
export function invoiceKey(doc: InvoiceDoc): string {
  const who = (p: Party) => p.taxId?.toUpperCase() ?? (p.name ?? '').toLowerCase().replace(/ё/g, 'е').replace(/[^\p{L}\p{N}]+/gu, '');
  return [doc.type, doc.number.trim().toUpperCase(), doc.issued, who(doc.seller), who(doc.buyer)].join('|');
}

// ---------------------------------------------------------------- XML

/** An element with its local name, resolved namespace, attributes (by local name), children and own text. */
export interface XNode {
  name: string;
  uri: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

export interface XmlReadOptions {
  /** Sees the root element first; throws to refuse the document before anything else is read. */
  onRoot?(name: string, uri: string, attrs: Record<string, string>): void;
  /** Whether to build the element at this depth (the root is 0) and everything under it as a tree. */
  capture(depth: number, name: string, uri: string, parents: readonly string[]): boolean;
  /** Each captured element once it closed. */
  onNode(node: XNode, depth: number): void;
  /** Elements whose text is not kept (embedded base64 attachments). */
  skipText?: ReadonlySet<string>;
}

const localOf = (q: string) => (q.includes(':') ? q.slice(q.indexOf(':') + 1) : q);

/**
 * Reads XML text chunks with saxes, resolving namespaces itself (prefix scopes), and builds trees only
 * for the captured elements. Not well-formed XML, undeclared entities included, refuses the document.
 */
export function readXml(texts: Iterable<string>, ref: string, format: string, opts: XmlReadOptions): { root?: string; rootUri?: string } {
  const sax = new SaxesParser({ xmlns: false, position: false });
  const scopes: Map<string, string>[] = [new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])];
  const names: string[] = [];
  const stack: XNode[] = [];
  let captureDepth = -1;
  let root: string | undefined;
  let rootUri: string | undefined;
  let failure: unknown;
  const resolve = (prefix: string): string => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const u = scopes[i]!.get(prefix);
      if (u !== undefined) return u;
    }
    return '';
  };
  sax.on('opentag', (tag) => {
    if (failure) return;
    try {
      const raw = tag.attributes as Record<string, string>;
      let scope: Map<string, string> | undefined;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k === 'xmlns') (scope ??= new Map()).set('', v);
        else if (k.startsWith('xmlns:')) (scope ??= new Map()).set(k.slice(6), v);
        else attrs[localOf(k)] = v;
      }
      scopes.push(scope ?? new Map());
      const prefix = tag.name.includes(':') ? tag.name.slice(0, tag.name.indexOf(':')) : '';
      const name = localOf(tag.name);
      const uri = resolve(prefix);
      const depth = names.length;
      if (depth === 0) {
        root = name; rootUri = uri;
        opts.onRoot?.(name, uri, attrs);
      }
      if (captureDepth < 0 && opts.capture(depth, name, uri, names)) captureDepth = depth;
      if (captureDepth >= 0) {
        const node: XNode = { name, uri, attrs, children: [], text: '' };
        stack[stack.length - 1]?.children.push(node);
        stack.push(node);
      }
      names.push(name);
    } catch (e) {
      failure = e;
    }
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top && !opts.skipText?.has(top.name)) top.text += t;
  };
  sax.on('text', onText);
  sax.on('cdata', onText);
  sax.on('closetag', () => {
    if (failure) return;
    try {
      scopes.pop();
      const depth = names.length - 1;
      names.pop();
      if (captureDepth >= 0) {
        const node = stack.pop()!;
        if (depth === captureDepth) {
          captureDepth = -1;
          opts.onNode(node, depth);
        }
      }
    } catch (e) {
      failure = e;
    }
  });
  try {
    for (const t of texts) {
      if (t) sax.write(t);
      if (failure) throw failure;
    }
    sax.close();
    if (failure) throw failure;
  } catch (e) {
    if (e instanceof InvoiceFormatError) throw e;
    if (e === failure) throw e;
    throw new InvoiceFormatError(`${ref}: broken XML: ${(e as Error).message.split('\n')[0]}`, format);
  }
  if (!root) throw new InvoiceFormatError(`${ref}: no XML element in the file`, format);
  return { root, ...(rootUri !== undefined ? { rootUri } : {}) };
}

/** Reads a whole small document into one tree (the root and everything under it). */
export function xmlTree(texts: Iterable<string>, ref: string, format: string, skipText?: ReadonlySet<string>): XNode {
  let tree: XNode | undefined;
  readXml(texts, ref, format, { capture: (d) => d === 0, onNode: (n) => { tree = n; }, ...(skipText ? { skipText } : {}) });
  return tree!;
}

/** The first element along a path of local names under `node`. */
export function child(node: XNode | undefined, ...path: string[]): XNode | undefined {
  let cur = node;
  for (const p of path) {
    cur = cur?.children.find((c) => c.name === p);
    if (!cur) return undefined;
  }
  return cur;
}

/** Every element along a path of local names (each step fans out). */
export function all(node: XNode | undefined, ...path: string[]): XNode[] {
  let cur: XNode[] = node ? [node] : [];
  for (const p of path) cur = cur.flatMap((n) => n.children.filter((c) => c.name === p));
  return cur;
}

/** The trimmed text at a path, undefined when absent or empty. */
export function text(node: XNode | undefined, ...path: string[]): string | undefined {
  const n = child(node, ...path);
  const t = n?.text.trim();
  return t ? t : undefined;
}

/** The first element with this local name anywhere under `node` (depth first), the node itself included. */
export function find(node: XNode, name: string, uri?: string): XNode | undefined {
  if (node.name === name && (uri === undefined || node.uri === uri)) return node;
  for (const c of node.children) {
    const f = find(c, name, uri);
    if (f) return f;
  }
  return undefined;
}
