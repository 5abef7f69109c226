import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMoney } from '../../../contract/money.ts';
import { InvoiceFormatError } from '../types.ts';
import { operationKind, parseCommerceMl, readCommerceMl } from './commerceml.ts';

const m = (s: string) => parseMoney(s);
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/invoices');
const enc = (s: string) => new TextEncoder().encode(s);

function doc(o: { op?: string; number?: string; sum?: string; currency?: string; taxes?: string; lines?: string; parties?: string; extra?: string } = {}): string {
  return `<Документ><Ид>1</Ид><Номер>${o.number ?? 'ТД-1'}</Номер><Дата>2026-11-05</Дата><ХозОперация>${o.op ?? 'Счет на оплату'}</ХозОперация><Роль>Продавец</Роль>
${o.currency ?? '<Валюта>RUB</Валюта>'}<Сумма>${o.sum ?? '122.00'}</Сумма>${o.extra ?? ''}
<Контрагенты>${o.parties ?? '<Контрагент><Наименование>Вектор</Наименование><Роль>Покупатель</Роль><ИНН>7812345678</ИНН></Контрагент>'}</Контрагенты>
${o.taxes ?? '<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме><Сумма>22.00</Сумма></Налог></Налоги>'}${o.lines ?? ''}</Документ>`;
}
const file = (...docs: string[]) => enc(`<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.07">${docs.join('')}</КоммерческаяИнформация>`);
const refusal = (bytes: Uint8Array) => { try { parseCommerceMl(bytes, 'f.xml'); return ''; } catch (e) { assert.ok(e instanceof InvoiceFormatError, String(e)); return e.message; } };

test('which business operations give invoices, credit notes, or nothing', () => {
  assert.equal(operationKind('Счет на оплату'), 'invoice');
  assert.equal(operationKind('Отпуск товара'), 'invoice');
  assert.equal(operationKind('Реализация товаров и услуг'), 'invoice');
  assert.equal(operationKind('Возврат товара'), 'credit_note');
  assert.deepEqual(operationKind('Заказ товара'), { skip: 'an order is not an invoice' });
  assert.deepEqual(operationKind('Выплата безналичных денег'), { skip: '«Выплата безналичных денег» is not an invoice, a sale or a return' });
});

test('an invoice for payment: the sum is what is due with VAT; the buyer by its role; the seller (the sender) unnamed here', () => {
  const [d] = parseCommerceMl(file(doc({ extra: '<СрокПлатежа>2026-11-15</СрокПлатежа>' })), 'f.xml');
  assert.deepEqual(d, {
    source: 'commerceml', type: 'invoice', total: m('122'), vat: m('22'), net: m('100'), number: 'ТД-1', issued: '2026-11-05', due: '2026-11-15', currency: 'RUB',
    seller: {}, buyer: { name: 'Вектор', taxId: '7812345678' }, sourceRef: 'f.xml#1',
  });
});

test('VAT on top of the lines: added only when the document sum is the lines without it', () => {
  const onTop = '<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>false</УчтеноВСумме><Сумма>22.00</Сумма></Налог></Налоги>';
  const lines = (s: string) => `<Товары><Товар><Наименование>x</Наименование><Сумма>${s}</Сумма></Товар></Товары>`;
  // 1C's own way: lines 100 without VAT, document sum 122 with it.
  assert.equal(parseCommerceMl(file(doc({ taxes: onTop, lines: lines('100.00') })), 'f.xml')[0]!.total, m('122'));
  // A writer whose sum leaves the VAT out: the lines say so.
  assert.equal(parseCommerceMl(file(doc({ sum: '100.00', taxes: onTop, lines: lines('100.00') })), 'f.xml')[0]!.total, m('122'));
  // Without lines the sum is taken as written.
  assert.equal(parseCommerceMl(file(doc({ sum: '100.00', taxes: onTop })), 'f.xml')[0]!.total, m('100'));
  // No taxes at all: no VAT is claimed.
  assert.equal(parseCommerceMl(file(doc({ taxes: '' })), 'f.xml')[0]!.vat, undefined);
});

test('orders are skipped with their reason beside the invoices; a file of orders only is refused', () => {
  const r = readCommerceMl(file(doc({ op: 'Заказ товара', number: '7' }), doc({ number: 'ТД-2' })), 'mixed.xml');
  assert.deepEqual(r.invoices.map((d) => [d.number, d.sourceRef]), [['ТД-2', 'mixed.xml#2']]);
  assert.deepEqual(r.skipped, [{ sourceRef: 'mixed.xml#1', reason: '«Заказ товара» 7: an order is not an invoice', order: true, number: '7' }]);
  assert.equal(refusal(file(doc({ op: 'Заказ товара', number: '7' }))), 'f.xml: no invoices: an order (Заказ товара 7): an order is not an invoice');
  assert.equal(refusal(file(doc({ op: 'Выплата наличных денег', number: '8' }))), 'f.xml: no invoices: «Выплата наличных денег» 8: «Выплата наличных денег» is not an invoice, a sale or a return');
});

test('a negative sum, a return, and broken documents', () => {
  assert.deepEqual(parseCommerceMl(file(doc({ sum: '-122.00', taxes: '' })), 'f.xml').map((d) => [d.type, d.total]), [['credit_note', m('122')]]);
  assert.equal(parseCommerceMl(file(doc({ op: 'Возврат товара' })), 'f.xml')[0]!.type, 'credit_note');
  assert.match(refusal(file(doc({ currency: '' }))), /^f\.xml#1: «Счет на оплату» ТД-1: no currency \(Валюта\)/);
  assert.match(refusal(file(doc({ currency: '<Валюта>тугрики</Валюта>' }))), /currency "тугрики" is not a currency code/);
  assert.match(refusal(file(doc({ sum: '1 000.00' }))), /Сумма "1 000\.00" is not a plain decimal amount/);
  assert.match(refusal(enc('<КоммерческаяИнформация ВерсияСхемы="1.02"><Документ/></КоммерческаяИнформация>')), /^f\.xml: CommerceML 1\.02 is not supported/);
  assert.match(refusal(enc('<КоммерческаяИнформация ВерсияСхемы="2.05"><Классификатор/><Каталог/></КоммерческаяИнформация>')), /^f\.xml: no documents, only <Классификатор>, <Каталог> \(a catalogue or offers, not invoices\)/);
  assert.match(refusal(enc('<Orders/>')), /^f\.xml: not a CommerceML file \(root <Orders>\)/);
});

test('the real 1C and Bitrix files are orders and counterparty lists: each refused with its reason', () => {
  const r = (f: string) => refusal(readFileSync(join(FIXTURES, 'commerceml', f)));
  assert.match(r('carono_orders.xml'), /an order \(Заказ товара 20\): an order is not an invoice/);
  assert.match(r('argentcrusade_contractors-example.xml'), /a counterparty list \(4 Контрагент\), not documents/);
  assert.match(r('bitrix-query-response-empty.xml'), /no documents \(<Документ>\) in the file/);
});

test('our built invoices: windows-1251 without a namespace, 2.10 containers, a decimal comma', () => {
  const read = (f: string) => parseCommerceMl(readFileSync(join(FIXTURES, 'commerceml-built', f)), f);
  const cp = read('documents-2.05-cp1251.xml');
  assert.deepEqual(cp.map((d) => [d.number, d.type, d.total, d.vat]), [['45', 'invoice', m('24400'), m('4400')], ['ТД-000098', 'invoice', m('30500'), m('5500')], ['ТД-000007', 'credit_note', m('6100'), m('1100')]]);
  assert.deepEqual(cp[0]!.seller, { name: 'АО "Снабсервис"', taxId: '7709876543', accounts: ['40702810900000054321'] });
  assert.deepEqual(read('invoice-2.08-decimal-comma.xml').map((d) => [d.total, d.vat, d.currency]), [[m('1830.50'), m('330.09'), 'RUB']]);
  assert.deepEqual(read('invoices-2.10-utf8.xml').map((d) => d.number), ['ТД-000112', 'ТД-000113']);
});
