// A live feed from 1C:Enterprise through its standard OData interface (published by the administrator:
// `http://host/<base>/odata/standard.odata/`): documents read page by page (`$top`/`$skip`, JSON, HTTP
// Basic auth), their counterparty (`Catalog_Контрагенты`: name, ИНН), own organisation
// (`Catalog_Организации`), currency (`Catalog_Валюты`), bank account (`Catalog_БанковскиеСчета`) and
// contract (`Catalog_ДоговорыКонтрагентов`) looked up once each, and due dates from the document or the
// `Сроки оплаты документов` register. Field names are the configuration's own (1C:Бухгалтерия 3.0):
// `Number`, `Date`, `DeletionMark`, `СуммаДокумента`, `Контрагент_Key`, `Организация_Key`,
// `ВалютаДокумента_Key`, `ДоговорКонтрагента_Key`, `СтруктурнаяЕдиница` (the bank account), received
// documents' `НомерВходящегоДокумента` / `ДатаВходящегоДокумента`, and the VAT as `СуммаНДС` of the rows
// of the tabular sections (`Товары`, `Услуги`...). Amounts are read from the JSON text, never through a
// float. Errors (refused credentials, a document type not published, a broken answer) throw InvoiceFormatError.
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';
import { accountsOf, amount, clean, isoCurrency, isoDate, party, settle, taxIdOf, tidy } from './common.ts';

const FORMAT = 'odata';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** A document type to read and what it is to the business. */
export interface ODataDocumentKind {
  /** The entity set: `Document_СчетНаОплатуПокупателю`. */
  entity: string;
  /** outgoing: the business issued it (the counterparty is the buyer); incoming: received (the counterparty sells). */
  direction: 'outgoing' | 'incoming';
  type: 'invoice' | 'credit_note';
}

/** Invoices for payment, issued and received. */
export const ODATA_INVOICE_DOCUMENTS: readonly ODataDocumentKind[] = [
  { entity: 'Document_СчетНаОплатуПокупателю', direction: 'outgoing', type: 'invoice' },
  { entity: 'Document_СчетНаОплатуПоставщика', direction: 'incoming', type: 'invoice' },
];

/** Shipments and returns, the documents a debt arises from in Russian practice (as CommerceML's «Отпуск товара»). */
export const ODATA_SHIPMENT_DOCUMENTS: readonly ODataDocumentKind[] = [
  { entity: 'Document_РеализацияТоваровУслуг', direction: 'outgoing', type: 'invoice' },
  { entity: 'Document_ПоступлениеТоваровУслуг', direction: 'incoming', type: 'invoice' },
  { entity: 'Document_ВозвратТоваровОтПокупателя', direction: 'outgoing', type: 'credit_note' },
  { entity: 'Document_ВозвратТоваровПоставщику', direction: 'incoming', type: 'credit_note' },
];

/** Where due dates live when the document has no field for them. */
export const DUE_DATES_REGISTER = 'InformationRegister_СрокиОплатыДокументов';

export interface ODataOptions {
  /** The published base (`http://host/base`; `/odata/standard.odata` is added) or the service root itself. */
  baseUrl: string;
  user: string;
  password: string;
  /** Default: the invoices for payment, issued and received. */
  documents?: readonly ODataDocumentKind[];
  /** Only documents dated on or after this day (YYYY-MM-DD). */
  since?: string;
  /** Documents per request (`$top`). */
  pageSize?: number;
  /** Per request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

type Json = string | boolean | null | Json[] | { [k: string]: Json };
type Entity = Record<string, Json>;

/**
 * JSON with every number kept as its text: 1C writes amounts as JSON numbers (Edm.Double), and a float
 * must never touch one. Numbers outside strings become strings holding their digits as written.
 */
export function parseJsonKeepingNumbers(text: string): Json {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      if (!m) throw new SyntaxError(`bad number at ${i}`);
      out += `"${m[0]}"`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out) as Json;
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : undefined);
const guid = (v: Json | undefined) => {
  const s = str(v);
  return s && /^[0-9a-f-]{36}$/i.test(s) && s !== EMPTY_GUID ? s : undefined;
};
/** 1C's empty date is year 1. */
const date = (v: Json | undefined) => {
  const d = isoDate(str(v));
  return d && !d.startsWith('0001-') ? d : undefined;
};

/** Builds the service root: `<base>/odata/standard.odata/`. */
export function serviceRoot(baseUrl: string): string {
  const b = baseUrl.replace(/\/+$/, '');
  return /\/odata\/standard\.odata$/i.test(b) ? `${b}/` : `${b}/odata/standard.odata/`;
}

class Client {
  private readonly root: string;
  private readonly auth: string;
  private readonly fetchFn: typeof fetch;
  private readonly cache = new Map<string, Promise<Entity | undefined>>();
  constructor(private readonly opts: ODataOptions) {
    this.root = serviceRoot(opts.baseUrl);
    // UTF-8 credentials: 1C users are often named in Cyrillic.
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64');
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** GETs `<root><path>?$format=json&<query>`; undefined for a 404 when `optional`. */
  async get(path: string, query: Record<string, string> = {}, optional = false): Promise<Json | undefined> {
    const q = Object.entries({ $format: 'json', ...query }).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    const url = `${this.root}${path.split(/(\(guid'[^']*'\))/).map((p, i) => (i % 2 ? p : encodeURIComponent(p))).join('')}?${q}`;
    const signals = [AbortSignal.timeout(this.opts.timeoutMs ?? 30_000), ...(this.opts.signal ? [this.opts.signal] : [])];
    let res: Response;
    try {
      res = await this.fetchFn(url, { headers: { authorization: this.auth, accept: 'application/json' }, signal: AbortSignal.any(signals) });
    } catch (e) {
      throw new InvoiceFormatError(`1C OData at ${this.root}: ${path}: no answer (${(e as Error).message})`, FORMAT);
    }
    const body = await res.text();
    if (res.status === 401 || res.status === 403) throw new InvoiceFormatError(`1C OData at ${this.root}: the user "${this.opts.user}" was refused (HTTP ${res.status}): check the login and password`, FORMAT);
    if (res.status === 404 && optional) return undefined;
    if (res.status === 404) throw new InvoiceFormatError(`1C OData at ${this.root}: ${path} is not published (HTTP 404): add it to the OData interface's composition in 1C`, FORMAT);
    if (!res.ok) throw new InvoiceFormatError(`1C OData at ${this.root}: ${path}: HTTP ${res.status} ${errorText(body)}`, FORMAT);
    try {
      return parseJsonKeepingNumbers(body);
    } catch {
      throw new InvoiceFormatError(`1C OData at ${this.root}: ${path}: the answer is not JSON (${body.slice(0, 80).replace(/\s+/g, ' ')})`, FORMAT);
    }
  }

  /** Every entity of a set, page by page; documents in key order, so pages neither overlap nor skip. */
  async *list(entity: string, filter: string | undefined, orderby: string | undefined, optional = false): AsyncGenerator<Entity> {
    const top = this.opts.pageSize ?? 200;
    for (let skip = 0; ; skip += top) {
      const query: Record<string, string> = { $top: String(top), $skip: String(skip) };
      if (orderby) query.$orderby = orderby;
      if (filter) query.$filter = filter;
      const page = await this.get(entity, query, optional);
      if (page === undefined) return;
      const value = typeof page === 'object' && page !== null && !Array.isArray(page) ? page.value : undefined;
      if (!Array.isArray(value)) throw new InvoiceFormatError(`1C OData at ${this.root}: ${entity}: the answer has no "value" list`, FORMAT);
      for (const v of value) if (v && typeof v === 'object' && !Array.isArray(v)) yield v;
      if (value.length < top) return;
    }
  }

  /** One catalog element by key, fetched once. */
  element(entity: string, key: string | undefined): Promise<Entity | undefined> {
    if (!key) return Promise.resolve(undefined);
    const id = `${entity}(guid'${key}')`;
    let p = this.cache.get(id);
    if (!p) {
      p = this.get(id, {}, true).then((e) => (e && typeof e === 'object' && !Array.isArray(e) ? e : undefined));
      this.cache.set(id, p);
    }
    return p;
  }
}

function errorText(body: string): string {
  try {
    const e = JSON.parse(body) as { 'odata.error'?: { message?: { value?: string } } };
    return e['odata.error']?.message?.value ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

async function partyFrom(c: Client, entity: 'Catalog_Контрагенты' | 'Catalog_Организации', key: string | undefined): Promise<Party> {
  const e = await c.element(entity, key);
  if (!e) return {};
  return party({ name: clean(str(e['НаименованиеПолное'])) ?? clean(str(e.Description)), taxId: taxIdOf(str(e['ИНН'])) });
}

/**
 * The seller's bank account a document names. Invoices for payment keep it in `СтруктурнаяЕдиница` (a
 * reference, or a composite typed as a bank account); shipments name it `БанковскийСчетОрганизации` when
 * the business sells and `БанковскийСчетКонтрагента` / `СчетКонтрагента` when it buys.
 */
async function accountOf(c: Client, doc: Entity, incoming: boolean): Promise<string[] | undefined> {
  const typed = str(doc['СтруктурнаяЕдиница_Type']);
  const key = guid(doc['СтруктурнаяЕдиница_Key']) ?? (typed?.endsWith('Catalog_БанковскиеСчета') ? guid(doc['СтруктурнаяЕдиница']) : undefined)
    ?? (incoming ? guid(doc['БанковскийСчетКонтрагента_Key']) ?? guid(doc['СчетКонтрагента_Key']) : guid(doc['БанковскийСчетОрганизации_Key']));
  const acc = await c.element('Catalog_БанковскиеСчета', key);
  return accountsOf([str(acc?.['НомерСчета'])]);
}

/** VAT: the `СуммаНДС` of every row of every tabular section. */
function vatOf(doc: Entity, where: string): bigint | undefined {
  let vat: bigint | undefined;
  for (const v of Object.values(doc)) {
    if (!Array.isArray(v)) continue;
    for (const row of v) {
      if (!row || typeof row !== 'object' || Array.isArray(row) || row['СуммаНДС'] === undefined || row['СуммаНДС'] === null) continue;
      vat = (vat ?? 0n) + amount(str(row['СуммаНДС']), `${where}: СуммаНДС`, where, FORMAT);
    }
  }
  return vat;
}

/**
 * Reads the documents of a 1C base over its standard OData interface. Documents marked for deletion are
 * left out; a received document is numbered and dated as its sender did (`НомерВходящегоДокумента`).
 */
export async function fetchOData(opts: ODataOptions): Promise<InvoiceDoc[]> {
  const c = new Client(opts);
  const kinds = opts.documents ?? ODATA_INVOICE_DOCUMENTS;
  const filter = ['DeletionMark eq false', ...(opts.since ? [`Date ge datetime'${opts.since}T00:00:00'`] : [])].join(' and ');
  // Due dates kept apart from the documents: read once, only when some document has no field for it.
  let dueDates: Promise<Map<string, string>> | undefined;
  const dueRegister = () => (dueDates ??= (async () => {
    const m = new Map<string, string>();
    for await (const r of c.list(DUE_DATES_REGISTER, undefined, undefined, true)) {
      const doc = guid(r['Документ']), d = date(r['СрокОплаты']);
      if (doc && d) m.set(doc, d);
    }
    return m;
  })());
  const out: InvoiceDoc[] = [];
  for (const kind of kinds) {
    for await (const doc of c.list(kind.entity, filter, 'Ref_Key')) {
      if (doc.DeletionMark === true) continue;
      const key = guid(doc.Ref_Key);
      const ref = `${kind.entity}(guid'${key ?? '?'}')`;
      const incoming = kind.direction === 'incoming';
      const number = clean((incoming ? str(doc['НомерВходящегоДокумента']) : undefined) ?? str(doc.Number));
      if (!number) throw new InvoiceFormatError(`${ref}: no number`, FORMAT);
      const issued = (incoming ? date(doc['ДатаВходящегоДокумента']) : undefined) ?? date(doc.Date);
      if (!issued) throw new InvoiceFormatError(`${ref}: no date`, FORMAT);
      const totalText = str(doc['СуммаДокумента']);
      if (totalText === undefined) throw new InvoiceFormatError(`${ref}: no СуммаДокумента`, FORMAT);
      const total = amount(totalText, 'СуммаДокумента', ref, FORMAT);
      const vat = vatOf(doc, ref);
      const cur = await c.element('Catalog_Валюты', guid(doc['ВалютаДокумента_Key']));
      const currency = isoCurrency(str(cur?.Code)) ?? isoCurrency(str(cur?.Description));
      if (!currency) throw new InvoiceFormatError(`${ref}: the document currency ${cur ? `(${str(cur.Code) ?? ''} ${str(cur.Description) ?? ''})` : ''} cannot be told`, FORMAT);
      const counterparty = await partyFrom(c, 'Catalog_Контрагенты', guid(doc['Контрагент_Key']));
      const own = await partyFrom(c, 'Catalog_Организации', guid(doc['Организация_Key']));
      const seller = incoming ? counterparty : own;
      const accounts = await accountOf(c, doc, incoming);
      if (accounts) seller.accounts = accounts;
      const contract = await c.element('Catalog_ДоговорыКонтрагентов', guid(doc['ДоговорКонтрагента_Key']));
      const due = date(doc['СрокОплаты']) ?? date(doc['ДатаОплаты']) ?? (key ? (await dueRegister()).get(key) : undefined);
      out.push(tidy({
        source: 'odata',
        ...settle(kind.type, { payable: total, vat, net: vat === undefined ? undefined : total - vat }),
        number,
        issued,
        due,
        currency,
        seller,
        buyer: incoming ? own : counterparty,
        contractNumber: clean(str(contract?.['Номер'])),
        sourceRef: ref,
      }));
    }
  }
  return out;
}
