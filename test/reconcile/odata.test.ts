// The live 1C feed: a loopback server speaking 1C's standard OData interface serves entities this test builds
// from our CommerceML invoice fixtures (test/fixtures/invoices/commerceml-built/), and the invoices read
// through OData equal those read from the files: numbers, dates, due dates, totals, VAT and parties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFake1COData, type ODataEntity } from '../support/fake-1c-odata.ts';
import { parseCommerceMl } from '../../companion/reconcile/parsers/commerceml.ts';
import { ODATA_INVOICE_DOCUMENTS, ODATA_SHIPMENT_DOCUMENTS, fetchOData } from '../../companion/reconcile/parsers/odata.ts';
import { all, decodeBytes, text, xmlEncoding, xmlTree, type XNode } from '../../companion/reconcile/parsers/common.ts';
import { InvoiceFormatError, type InvoiceDoc } from '../../companion/reconcile/types.ts';

const BUILT = join(import.meta.dirname, '../fixtures/invoices/commerceml-built');
const USER = 'Обмен', PASSWORD = 'секрет-42';
const RUB = '9a1d3c00-0000-4000-8000-000000000643';

let seq = 0;
const newGuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
/** A CommerceML amount as 1C's JSON number (the file may use a decimal comma). */
const num = (s: string | undefined) => Number((s ?? '0').replace(',', '.'));

/** The 1C entities a base holding these CommerceML documents would publish. */
function entitiesFrom(files: string[]): Record<string, ODataEntity[]> {
  const sets: Record<string, ODataEntity[]> = {
    Catalog_Контрагенты: [], Catalog_Организации: [], Catalog_БанковскиеСчета: [], Catalog_Валюты: [{ Ref_Key: RUB, Code: '643', Description: 'руб.' }],
    Document_СчетНаОплатуПокупателю: [], Document_СчетНаОплатуПоставщика: [], Document_РеализацияТоваровУслуг: [], Document_ВозвратТоваровОтПокупателя: [],
    Document_ПоступлениеТоваровУслуг: [], Document_ВозвратТоваровПоставщику: [], Document_ЗаказПокупателя: [], InformationRegister_СрокиОплатыДокументов: [],
  };
  const catalog = (set: string, k: XNode) => {
    const key = text(k, 'Ид')!;
    if (!sets[set]!.some((e) => e.Ref_Key === key)) {
      sets[set]!.push({ Ref_Key: key, Description: text(k, 'Наименование') ?? '', НаименованиеПолное: text(k, 'ОфициальноеНаименование') ?? text(k, 'ПолноеНаименование') ?? '', ИНН: text(k, 'ИНН') ?? '' });
    }
    return key;
  };
  const bankAccount = (owner: XNode) => {
    const number = text(owner, 'РасчетныеСчета', 'РасчетныйСчет', 'НомерСчета');
    if (!number) return undefined;
    const key = newGuid();
    sets.Catalog_БанковскиеСчета!.push({ Ref_Key: key, Owner_Key: text(owner, 'Ид')!, НомерСчета: number });
    return key;
  };
  for (const f of files) {
    const bytes = readFileSync(join(BUILT, f));
    const root = xmlTree(decodeBytes(bytes, xmlEncoding(bytes), f, 'commerceml'), f, 'commerceml');
    const docs = [...all(root, 'Документ'), ...all(root, 'Контейнер', 'Документ')];
    for (const d of docs) {
      const op = text(d, 'ХозОперация')!, ourRole = text(d, 'Роль')!;
      const parties = all(d, 'Контрагенты', 'Контрагент');
      const ours = parties.find((k) => text(k, 'Роль') === ourRole)!;
      const theirs = parties.find((k) => text(k, 'Роль') !== ourRole)!;
      const incoming = ourRole === 'Покупатель';
      const entity = op === 'Заказ товара' ? 'Document_ЗаказПокупателя'
        : op === 'Отпуск товара' ? 'Document_РеализацияТоваровУслуг'
        : op === 'Возврат товара' ? 'Document_ВозвратТоваровОтПокупателя'
        : incoming ? 'Document_СчетНаОплатуПоставщика' : 'Document_СчетНаОплатуПокупателю';
      const key = text(d, 'Ид')!;
      const lines = all(d, 'Товары', 'Товар');
      const docVat = all(d, 'Налоги', 'Налог').reduce((s, t) => s + num(text(t, 'Сумма')), 0);
      // VAT sits on the rows in 1C: the line's own tax, or the document's on its first row.
      const rows = lines.map((l, i) => ({ LineNumber: String(i + 1), Сумма: num(text(l, 'Сумма')), СуммаНДС: all(l, 'Налоги', 'Налог').length ? num(text(l, 'Налоги', 'Налог', 'Сумма')) : i === 0 ? docVat : 0 }));
      const e: ODataEntity = {
        Ref_Key: key, DataVersion: 'AAAAAQAAAAA=', DeletionMark: false, Posted: true,
        Number: text(d, 'Номер')!, Date: `${text(d, 'Дата')}T${text(d, 'Время') ?? '09:00:00'}`,
        Организация_Key: catalog('Catalog_Организации', ours), Контрагент_Key: catalog('Catalog_Контрагенты', theirs),
        ВалютаДокумента_Key: RUB, СуммаДокумента: num(text(d, 'Сумма')), СуммаВключаетНДС: text(d, 'Налоги', 'Налог', 'УчтеноВСумме') !== 'false',
        Товары: rows, Услуги: [],
      };
      const seller = incoming ? theirs : ours;
      const account = bankAccount(seller);
      if (account) {
        if (entity === 'Document_СчетНаОплатуПокупателю') e['СтруктурнаяЕдиница_Key'] = account;
        else if (entity === 'Document_СчетНаОплатуПоставщика') { e['СтруктурнаяЕдиница'] = account; e['СтруктурнаяЕдиница_Type'] = 'StandardODATA.Catalog_БанковскиеСчета'; }
        else e['БанковскийСчетОрганизации_Key'] = account;
      }
      if (incoming) {
        // 1C numbers a received invoice itself; the supplier's number and date are kept beside it.
        e.Number = `0000-0000${String(++seq).padStart(2, '0')}`;
        e.Date = `${text(d, 'Дата')}T18:30:00`;
        e['НомерВходящегоДокумента'] = text(d, 'Номер')!;
        e['ДатаВходящегоДокумента'] = `${text(d, 'Дата')}T00:00:00`;
      }
      sets[entity]!.push(e);
      const due = text(d, 'СрокПлатежа');
      if (due) sets.InformationRegister_СрокиОплатыДокументов!.push({ Организация_Key: e['Организация_Key']!, Документ: key, Документ_Type: `StandardODATA.${entity}`, СрокОплаты: `${due}T00:00:00` });
    }
  }
  // A document marked for deletion is never read.
  const first = sets.Document_СчетНаОплатуПокупателю![0]!;
  sets.Document_СчетНаОплатуПокупателю!.push({ ...first, Ref_Key: newGuid(), Number: 'ТД-000099', DeletionMark: true });
  return sets;
}

/** What both sources must agree on. */
const facts = (docs: InvoiceDoc[]) => docs
  .map((d) => ({ number: d.number, type: d.type, issued: d.issued, due: d.due, currency: d.currency, total: d.total, vat: d.vat, net: d.net, seller: d.seller, buyer: d.buyer }))
  .sort((a, b) => a.number.localeCompare(b.number));

test('invoices read through 1C OData equal those read from the CommerceML files', async () => {
  const files = readdirSync(BUILT).filter((f) => f.endsWith('.xml')).sort();
  const fromFiles = files.flatMap((f) => parseCommerceMl(readFileSync(join(BUILT, f)), f));
  assert.equal(fromFiles.length, 6);
  const server = await startFake1COData({ entities: entitiesFrom(files), user: USER, password: PASSWORD });
  try {
    const t0 = performance.now();
    const viaOData = await fetchOData({ baseUrl: server.baseUrl, user: USER, password: PASSWORD, documents: [...ODATA_INVOICE_DOCUMENTS, ...ODATA_SHIPMENT_DOCUMENTS], pageSize: 2 });
    const ms = performance.now() - t0;
    assert.deepEqual(facts(viaOData), facts(fromFiles));
    assert.ok(viaOData.every((d) => d.source === 'odata' && /^Document_\S+\(guid'[0-9a-f-]{36}'\)$/.test(d.sourceRef)), viaOData.map((d) => d.sourceRef).join());
    assert.ok(!viaOData.some((d) => d.number === 'ТД-000099'), 'a document marked for deletion is left out');
    // Pages of two: the three issued invoices (one deleted, filtered by the server) took two requests.
    assert.ok(server.requests.some((r) => r.includes('Document_СчетНаОплатуПокупателю?$format=json&$top=2&$skip=2')), server.requests.join('\n'));
    assert.ok(server.requests.every((r) => !r.includes('Document_ЗаказПокупателя')), 'orders are not asked for');
    // Each counterparty, organisation and currency is fetched once.
    const lookups = server.requests.filter((r) => r.includes("Catalog_Валюты(guid'"));
    assert.equal(lookups.length, 1);
    console.log(`# ${viaOData.length} documents over OData in ${ms.toFixed(0)} ms, ${server.requests.length} requests`);

    // The default documents are the invoices for payment only.
    const invoicesOnly = await fetchOData({ baseUrl: server.baseUrl, user: USER, password: PASSWORD });
    assert.deepEqual(invoicesOnly.map((d) => d.number).sort(), ['45', 'ТД-000112', 'ТД-000113', 'ТД-000115']);
    // A received invoice carries the supplier's number and date, not 1C's own.
    const received = invoicesOnly.find((d) => d.number === '45')!;
    assert.equal(received.issued, '2026-11-03');
    assert.deepEqual(received.seller, { name: 'АО "Снабсервис"', taxId: '7709876543', accounts: ['40702810900000054321'] });
    // Only what is dated from a day on, by 1C's own document date.
    const recent = await fetchOData({ baseUrl: server.baseUrl, user: USER, password: PASSWORD, since: '2026-11-06' });
    assert.deepEqual(recent.map((d) => d.number).sort(), ['ТД-000113', 'ТД-000115']);
    assert.ok(server.requests.some((r) => r.includes("$filter=DeletionMark eq false and Date ge datetime'2026-11-06T00:00:00'")));
  } finally {
    await server.close();
  }
});

test('OData errors say what went wrong: refused credentials, a document type not published', async () => {
  const server = await startFake1COData({ entities: { Document_СчетНаОплатуПокупателю: [] }, user: USER, password: PASSWORD });
  try {
    await assert.rejects(fetchOData({ baseUrl: server.baseUrl, user: USER, password: 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof InvoiceFormatError);
      assert.match(e.message, /the user "Обмен" was refused \(HTTP 401\)/);
      return true;
    });
    await assert.rejects(fetchOData({ baseUrl: server.baseUrl, user: USER, password: PASSWORD }), /Document_СчетНаОплатуПоставщика is not published \(HTTP 404\)/);
    assert.deepEqual(await fetchOData({ baseUrl: server.baseUrl, user: USER, password: PASSWORD, documents: [ODATA_INVOICE_DOCUMENTS[0]!] }), []);
    await assert.rejects(fetchOData({ baseUrl: 'http://127.0.0.1:9/none', user: USER, password: PASSWORD, timeoutMs: 2000 }), /no answer/);
  } finally {
    await server.close();
  }
});
