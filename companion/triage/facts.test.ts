import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFacts, figureInText, datesIn, parseAmount } from './facts.ts';

test('invoice facts in Russian and English, kept together', () => {
  assert.deepEqual(extractFacts('Направляем счёт № 112 от 02.11.2026 на оплату.\nСумма: 86 400,00 руб., в т.ч. НДС 20%.\nСрок оплаты: 12.11.2026.'), {
    invoice_number: '112', invoice_date: '2026-11-02', invoice_amount: 86400, invoice_currency: 'RUB', invoice_due: '2026-11-12',
  });
  assert.deepEqual(extractFacts('счет № 112 от 05.11.2026, в т.ч. НДС 20% 14 400,00. Итого 86 400,00 руб.'), {
    invoice_number: '112', invoice_date: '2026-11-05', invoice_amount: 86400, invoice_currency: 'RUB', invoice_vat: 14400,
  });
  assert.deepEqual(extractFacts('Invoice INV-2026-112 due 12 Nov 2026. Total: EUR 1,234.56 incl. VAT 19%: 197.11'), {
    invoice_number: 'INV-2026-112', invoice_amount: 1234.56, invoice_currency: 'EUR', invoice_vat: 197.11, invoice_due: '2026-11-12',
  });
  assert.deepEqual(extractFacts('Rechnung Nr. 2026-17 vom 5. November 2026, Betrag 2.380,00 €, zahlbar bis 20.11.2026'), {
    invoice_number: '2026-17', invoice_date: '2026-11-05', invoice_amount: 2380, invoice_currency: 'EUR', invoice_due: '2026-11-20',
  });
  assert.equal(extractFacts('Во вложении счёт № 118 от 25.11.2026 на 124 800,00 руб. Оплата до 04.12.2026.').invoice_due, '2026-12-04');
  assert.equal(extractFacts('по сч. 112 оплачено').invoice_number, '112');
  assert.equal(extractFacts('Счет-фактура № 45/11 от 1 ноября 2026 г.').invoice_date, '2026-11-01');
  assert.equal(extractFacts('Invoice #7 dated November 3, 2026').invoice_date, '2026-11-03');
  assert.equal(extractFacts('Товар без НДС, сумма 5 000 руб.').invoice_vat, 0);
});

test('act and contract numbers, deadlines, bank details, the writer\'s tax id (never the business\'s own)', () => {
  assert.equal(extractFacts('УПД № 45 от 10.11.2026').act_number, '45');
  assert.equal(extractFacts('Акт сверки за октябрь').act_number, undefined);
  assert.equal(extractFacts('договор поставки № П-17/2024 действует до 31.12.2026').contract_number, 'П-17/2024');
  assert.equal(extractFacts('under contract no. C-2026-01').contract_number, 'C-2026-01');
  const renewal = 'договор № П-17/2024 действует до 31.12.2026 и продлевается автоматически, если ни одна из сторон не заявит об ином не позднее чем за 30 дней до окончания срока (т.е. до 01.12.2026).';
  assert.equal(extractFacts(renewal, { sent: '2026-11-20' }).deadline, '2026-12-01');
  assert.equal(extractFacts('Просим в течение 5 рабочих дней представить пояснения', { sent: '2026-11-24' }).deadline, '2026-12-01');
  assert.equal(extractFacts('Please reply within 10 days.', { sent: '2026-11-24' }).deadline, '2026-12-04');
  const bank = extractFacts('Our VAT ID is DE812345678. Please pay to IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX.');
  assert.deepEqual([bank.tax_id, bank.bank_account, bank.bank_bic], ['DE812345678', 'DE89370400440532013000', 'COBADEFFXXX']);
  assert.equal(extractFacts('р/с 40702810900000001234, БИК 044525225').bank_account, '40702810900000001234');
  const own = new Set(['tax:7714698320']);
  assert.equal(extractFacts('ООО «Кестрел Принт», ИНН 7714698320. ... по контрагенту ИНН 7705123450', { own }).tax_id, '7705123450');
});

test('dates and amounts in their usual spellings', () => {
  assert.deepEqual(datesIn('05.11.2026, 2026-11-06, 7 ноября 2026 г., 8 Nov 2026, November 9, 2026, 31.02.2026'), ['2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08', '2026-11-09']);
  assert.equal(parseAmount('86 400,00'), 8_640_000_000n);
  assert.equal(parseAmount('1,234.56'), 123_456_000n);
  assert.equal(parseAmount('1.234,56'), 123_456_000n);
  assert.equal(parseAmount('1,234'), 123_400_000n);
});

test('a figure a model gives is accepted only where the text states it', () => {
  const text = 'Счёт № 112 от 05.11.2026 на 86 400,00 руб., оплатить до 12.11.2026';
  assert.ok(figureInText('invoice_amount', 86400, text));
  assert.ok(!figureInText('invoice_amount', 96400, text));
  assert.ok(!figureInText('invoice_amount', 86400.5, text));
  assert.ok(figureInText('invoice_due', '2026-11-12', text));
  assert.ok(!figureInText('invoice_due', '2026-11-13', text));
  assert.ok(figureInText('invoice_number', '112', text));
  assert.ok(!figureInText('invoice_number', 'INV-999', text));
  assert.ok(figureInText('invoice_currency', 'RUB', text));
  assert.ok(!figureInText('invoice_currency', 'EUR', text));
});
