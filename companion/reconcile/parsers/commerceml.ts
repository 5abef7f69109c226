// 1C CommerceML 2 (schemas 2.03 to 2.10): `<КоммерческаяИнформация>` with `<Документ>` elements (also
// inside 2.10's `<Контейнер>`), in windows-1251 or UTF-8, with or without the `urn:1C.ru:commerceml_2`
// namespace. Documents stream: one small tree per `<Документ>`, so a large exchange file is never one tree.
//
// Which business operations (`ХозОперация`) give invoices:
// - «Счет на оплату» (invoice for payment): an invoice.
// - «Отпуск товара» / «Реализация...» (a shipment or sale, the УПД/накладная): an invoice too. In Russian
//   practice the debt arises at shipment and payments cite the shipment document (`оплата по УПД № 45`),
//   and an act of reconciliation lists shipments, not invoices. When one deal comes as both an invoice for
//   payment and a shipment, both are read: the matcher allocates a payment once.
// - «Возврат товара» (goods returned): a credit note.
// - «Заказ товара» (an order) and anything else (payments, commission reports) are skipped with a reason;
//   a file with nothing but those, a counterparty list or a catalogue is refused with its reason.
//
// Amounts: `Сумма` of the document is what it asks to be paid, VAT included (the taxes' `УчтеноВСумме`
// says whether the line prices include them: 1C adds VAT on top to the lines, not to the document sum).
// Only when the lines add up to `Сумма` and VAT is not included in them is the VAT added on top.
import type { Money } from '../../../contract/money.ts';
import { InvoiceFormatError, type InvoiceDoc, type Party } from '../types.ts';
import {
  accountsOf, all, amount, clean, decodeBytes, isoCurrency, isoDate, optAmount, party, requiredDate, readXml, settle, taxIdOf, text, tidy,
  xmlEncoding, type XNode,
} from './common.ts';

const FORMAT = 'commerceml';
const ROOT = 'КоммерческаяИнформация';

export interface CommerceMlRead {
  invoices: InvoiceDoc[];
  /** Documents that are not invoices, each with why. */
  skipped: { sourceRef: string; reason: string; order: boolean; number?: string }[];
}

const ORDER = 'an order is not an invoice';
const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

/** The kind of document a business operation makes, or why it is not one. */
export function operationKind(op: string | undefined): 'invoice' | 'credit_note' | { skip: string } {
  const o = norm(op);
  if (o === 'счет на оплату' || o === 'счет') return 'invoice';
  if (o === 'отпуск товара' || o === 'отпуск товаров' || o.startsWith('реализация')) return 'invoice';
  if (o === 'возврат товара' || o === 'возврат товаров') return 'credit_note';
  if (o.startsWith('заказ')) return { skip: ORDER };
  if (!o) return { skip: 'the document names no business operation (ХозОперация)' };
  return { skip: `«${op!.trim()}» is not an invoice, a sale or a return` };
}

/** Decimal mark from the header's `ФорматСуммы` (`ЧРД=.` or `ЧРД=,`); a point when silent. */
function decimalMark(format: string | undefined): '.' | ',' {
  const m = /ЧРД\s*=\s*([.,])/.exec(format ?? '');
  return m?.[1] === ',' ? ',' : '.';
}

function partyOf(k: XNode): Party {
  return party({
    name: clean(text(k, 'ОфициальноеНаименование') ?? text(k, 'ПолноеНаименование') ?? text(k, 'Наименование')),
    taxId: taxIdOf(text(k, 'ИНН')),
    accounts: accountsOf(all(k, 'РасчетныеСчета', 'РасчетныйСчет').map((a) => text(a, 'НомерСчета'))),
  });
}

function readDocument(d: XNode, ref: string, decimal: '.' | ','): InvoiceDoc | { skip: string; order: boolean; number?: string } {
  const number = clean(text(d, 'Номер'));
  const op = text(d, 'ХозОперация');
  const kind = operationKind(op);
  const what = `${op ? `«${op.trim()}»` : 'a document'} ${number ?? '(no number)'}`;
  if (typeof kind === 'object') return tidy({ skip: `${what}: ${kind.skip}`, order: kind.skip === ORDER, number });
  if (!number) throw new InvoiceFormatError(`${ref}: a «${op!.trim()}» without a number (Номер)`, FORMAT);
  const issued = requiredDate(text(d, 'Дата'), `${what}: the date (Дата)`, ref, FORMAT);
  const currencyText = text(d, 'Валюта');
  const currency = isoCurrency(currencyText);
  if (!currency) throw new InvoiceFormatError(`${ref}: ${what}: ${currencyText ? `currency "${currencyText}" is not a currency code` : 'no currency (Валюта)'}`, FORMAT);
  const sumText = text(d, 'Сумма');
  if (sumText === undefined) throw new InvoiceFormatError(`${ref}: ${what}: no sum (Сумма)`, FORMAT);
  const sum = amount(sumText, `${what}: Сумма`, ref, FORMAT, decimal);
  // Document-level taxes first; without them, the lines' taxes.
  const docTaxes = all(d, 'Налоги', 'Налог');
  const taxes = docTaxes.length ? docTaxes : all(d, 'Товары', 'Товар', 'Налоги', 'Налог');
  const vatTaxes = taxes.filter((t) => /^(ндс|vat)$/i.test(text(t, 'Наименование') ?? 'НДС'));
  let vat: Money | undefined;
  let onTop = 0n;
  for (const t of vatTaxes) {
    const v = amount(text(t, 'Сумма'), `${what}: Налог/Сумма`, ref, FORMAT, decimal);
    vat = (vat ?? 0n) + v;
    if (norm(text(t, 'УчтеноВСумме')) === 'false') onTop += v;
  }
  const lines = all(d, 'Товары', 'Товар').map((l) => optAmount(text(l, 'Сумма'), `${what}: Товар/Сумма`, ref, FORMAT, decimal));
  const lineSum = lines.length && lines.every((x) => x !== undefined) ? lines.reduce<Money>((a, b) => a + b!, 0n) : undefined;
  // A sum that equals the lines without the VAT put on top of them leaves that VAT out: add it.
  const total = onTop !== 0n && lineSum === sum ? sum + onTop : sum;
  const parties = all(d, 'Контрагенты', 'Контрагент');
  const role = (r: string) => parties.find((k) => norm(text(k, 'Роль')) === r);
  const seller = role('продавец');
  const buyer = role('покупатель') ?? role('плательщик');
  const out: InvoiceDoc = tidy({
    source: 'commerceml',
    ...settle(kind, { payable: total, vat, net: vat === undefined ? undefined : total - vat }),
    number,
    issued,
    due: isoDate(text(d, 'СрокПлатежа')),
    currency,
    seller: seller ? partyOf(seller) : {},
    buyer: buyer ? partyOf(buyer) : {},
    sourceRef: ref,
  });
  return out;
}

/**
 * Reads every `<Документ>` of a CommerceML file: invoices (and credit notes) plus the documents skipped
 * and why. Refuses files that are not CommerceML 2 at all or are broken.
 */
export function readCommerceMl(bytes: Uint8Array, ref: string): CommerceMlRead {
  const out: CommerceMlRead = { invoices: [], skipped: [] };
  let decimal: '.' | ',' = '.';
  let index = 0;
  let counterparties = 0;
  const other = new Set<string>();
  readXml(decodeBytes(bytes, xmlEncoding(bytes), ref, FORMAT), ref, FORMAT, {
    onRoot(name, _uri, attrs) {
      if (name !== ROOT) throw new InvoiceFormatError(`${ref}: not a CommerceML file (root <${name}>)`, FORMAT);
      const version = attrs['ВерсияСхемы'] ?? '';
      if (/^[01]\./.test(version)) throw new InvoiceFormatError(`${ref}: CommerceML ${version} is not supported (schema 2.x is)`, FORMAT);
      decimal = decimalMark(attrs['ФорматСуммы']);
    },
    capture(depth, name, _uri, parents) {
      if (name === 'Документ' && (depth === 1 || (depth === 2 && parents[1] === 'Контейнер'))) return true;
      if (depth === 1 && name === 'Контрагенты') return true;
      if (depth === 1 && name !== 'Контейнер') other.add(name);
      return false;
    },
    onNode(node) {
      if (node.name === 'Контрагенты') { counterparties += node.children.filter((c) => c.name === 'Контрагент').length; return; }
      index++;
      const docRef = `${ref}#${index}`;
      const r = readDocument(node, docRef, decimal);
      if ('skip' in r) out.skipped.push(tidy({ sourceRef: docRef, reason: r.skip, order: r.order, number: r.number }));
      else out.invoices.push(r);
    },
  });
  if (index === 0) {
    if (counterparties) throw new InvoiceFormatError(`${ref}: a counterparty list (${counterparties} Контрагент), not documents`, FORMAT);
    if (other.size) throw new InvoiceFormatError(`${ref}: no documents, only ${[...other].map((n) => `<${n}>`).join(', ')} (a catalogue or offers, not invoices)`, FORMAT);
    throw new InvoiceFormatError(`${ref}: no documents (<Документ>) in the file`, FORMAT);
  }
  return out;
}

/** The invoices and credit notes of a CommerceML file; a file with none is refused naming what it holds. */
export function parseCommerceMl(bytes: Uint8Array, ref: string): InvoiceDoc[] {
  const r = readCommerceMl(bytes, ref);
  if (r.invoices.length === 0) {
    const orders = r.skipped.filter((s) => s.order);
    const why = orders.length === r.skipped.length
      ? `${orders.length === 1 ? 'an order' : `${orders.length} orders`} (Заказ товара ${orders.map((s) => s.number ?? '?').join(', ')}): ${ORDER}`
      : r.skipped.map((s) => s.reason).join('; ');
    throw new InvoiceFormatError(`${ref}: no invoices: ${why}`, FORMAT);
  }
  return r.invoices;
}
