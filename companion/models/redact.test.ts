import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, businessCountries, luhn, redact } from './redact.ts';

test('identifiers become placeholders, the same value the same placeholder', () => {
  const r = redact('IBAN DE89370400440532013000, again DE89370400440532013000; ИНН7714698320; mail a.b@x.example; тел. +7 (495) 123-45-67');
  assert.equal(r.text, 'IBAN [IBAN_1], again [IBAN_1]; ИНН[TAX_ID_1]; mail [EMAIL_1]; тел. [PHONE_1]');
  assert.equal(r.map.get('[IBAN_1]'), 'DE89370400440532013000');
});

test('accounts, cards and long ids; amounts, dates and short numbers stay', () => {
  const r = redact('р/с 40702810400000012345, БИК 044525225, card 4111111111111111, 1 250 000,50 руб., 2026-11-30, invoice 1182, 8 500 шт.');
  assert.match(r.text, /р\/с \[ACCOUNT_1\]/);
  assert.match(r.text, /БИК \[BIC_1\]/);
  assert.match(r.text, /card \[CARD_1\]/);
  assert.match(r.text, /1 250 000,50 руб\., 2026-11-30, invoice 1182, 8 500 шт\./);
});

test('restore maps placeholders back in nested answers and leaves unknown ones', () => {
  const red = new Redactor();
  const text = red.redact('Pay DE89370400440532013000 from +49 40 1234567');
  assert.ok(!text.includes('DE89'));
  assert.deepEqual(red.restoreDeep({ a: [text], b: 'x [IBAN_9]' }), { a: ['Pay DE89370400440532013000 from +49 40 1234567'], b: 'x [IBAN_9]' });
});

test('luhn', () => {
  assert.equal(luhn('4111111111111111'), true);
  assert.equal(luhn('4111111111111112'), false);
});

// Every form the issue names, as written there; `countries` is the pack that owns the form ('*' = generic).
const FORMS: readonly { value: string; countries: readonly string[] }[] = [
  ...['40702 810 9 0000 0001234', '40702.810.9.0000.0001234', '40702-810-9-0000-0001234', '40702810900000001234', '30101810400000000225'].map((value) => ({ value, countries: ['RU'] })),
  ...['030 12345678', '030/12345678', '0171 1234567', '(030) 1234-5678'].map((value) => ({ value, countries: ['DE'] })),
  ...['8 (495) 123-45-67', '495 123-45-67', '+7 (495) 123 45 67', '8-800-555-35-35'].map((value) => ({ value, countries: ['RU'] })),
  ...['020 7946 0958', '07700 900123'].map((value) => ({ value, countries: ['GB'] })),
  ...['+49 30 12345678', '+44 20 7946 0958', '0049 30 1234567'].map((value) => ({ value, countries: ['*'] })),
  ...['анна@пример.рф', 'info@bücher.de', 'ivan.petrov@почта.рус', 'name [at] domain.com', 'name (at) domain (dot) com', 'name at domain dot com', 'name@domain[.]com', 'name[@]domain.com', 'имя собака домен.ру']
    .map((value) => ({ value, countries: ['*'] })),
  ...['123-456-789 01', '12345678901', '45 08 123456', '4508 123456', '4508 №123456', 'серия 4508 номер 123456', '7714698320', '500100732259', '1027700132195', '304500116000157', '771401001', '044525225']
    .map((value) => ({ value, countries: ['RU'] })),
  ...['C01X00T47', 'L01X00T47', '12 345 678 901', '12345678901', 'DE123456789'].map((value) => ({ value, countries: ['DE'] })),
  ...['COBADEFFXXX', 'DEUTDEFF500', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', '4276 3800 1234 5675'].map((value) => ({ value, countries: ['*'] })),
  ...['QQ 12 34 56 C', 'GB 123 4567 89'].map((value) => ({ value, countries: ['GB'] })),
  ...['123-45-6789', '12-3456789', '(212) 555-1234', '212.555.1234'].map((value) => ({ value, countries: ['US'] })),
];

test('every form named in the issue is redacted by its own pack and by all packs', () => {
  for (const { value, countries } of FORMS) {
    const text = `Details: ${value}. Thanks!`;
    const packs = countries[0] === '*' ? [['RU'], ['DE'], ['GB'], ['US']] : [countries];
    for (const opts of [...packs.map((c) => ({ countries: c })), {}]) {
      const r = new Redactor(opts);
      const out = r.redact(text);
      assert.ok(!out.includes(value), `${value} survived with ${JSON.stringify(opts)}: ${out}`);
      // A label written as part of the form ("серия") may stay; nothing else around it changes.
      assert.match(out, /^Details: (?:серия )?\[[A-Z_]+_1\]\. Thanks!$/, `${value} with ${JSON.stringify(opts)}: ${out}`);
      assert.equal(r.restore(out), text);
    }
  }
});

test('labels stay readable: the value is replaced, the label kept', () => {
  const r = redact('ИНН/КПП 7714698320/771401001, БИК 044525225, КПП 771401001, SWIFT: SABRRUMM, СНИЛС 123-456-789 01, паспорт серия 45 08 № 123456', { countries: ['RU'] });
  // Numbers follow the order the patterns run in, not the order in the text.
  assert.equal(r.text, 'ИНН/КПП [TAX_ID_1], БИК [BIC_2], КПП [TAX_ID_2], SWIFT: [BIC_1], СНИЛС [ID_2], паспорт серия [ID_1]');
});

test('BIC: labelled or bank-like codes go, upper-case words stay', () => {
  for (const text of ['BUSINESS HOURS: 9-18. FEEDBACK welcome, see the HOSPITAL entrance.', 'BIC required, SWIFT transfer only.']) {
    assert.equal(redact(text, { countries: ['DE'] }).text, text);
  }
  const r = redact('Bank: Sberbank, SABRRUMM; COBADEFFXXX; DEUTDEFF500; BIC COBADEFF', { countries: ['DE'] });
  assert.equal(r.text, 'Bank: Sberbank, [BIC_2]; [BIC_3]; [BIC_4]; BIC [BIC_1]');
});

test('dates, amounts, invoice numbers and web addresses reach the model as they are', () => {
  const plain = [
    'Оплата по счёту № 112 от 05.11.2026 на сумму 86 400,00 руб., в т.ч. НДС 20% 14400.00',
    'Invoice INV-2026-112 dated 2026-11-05: total 1,234.56 USD, due 30/11/2026.',
    'Rechnung RE-2026-000123 vom 5. November 2026 über 1.234,56 € (12 500 000 Stück? nein: 12 Stück).',
    '05.11.2026 86 400,00 EUR Zahlung Nordlicht GmbH',
    '19. Dezember 2022 32 727,74 EUR; 2025-02-20T22:53:00 1 467 117 руб.',
    'Sales are available at www.example.com; please pay at once.Thanks',
    'Счёт № 1182 от 20.11.2026 на сумму 45 600,00 руб. Оплатить до 30.11.2026.',
  ];
  for (const text of plain) {
    for (const opts of [{}, { countries: ['RU'] }, { countries: ['DE'] }, { countries: ['GB'] }, { countries: ['US'] }]) {
      assert.equal(redact(text, opts).text, text, JSON.stringify(opts));
    }
  }
});

test('packs: the business countries only, all of them when none is known', () => {
  const text = 'City line 123-45-67, NI QQ 12 34 56 C';
  assert.equal(redact(text, { countries: ['DE'] }).text, text, 'neither a German nor a generic form');
  assert.equal(redact(text, { countries: ['RU'] }).text, 'City line [PHONE_1], NI QQ 12 34 56 C');
  assert.equal(redact(text, { countries: ['uk'] }).text, 'City line 123-45-67, NI [ID_1]');
  assert.equal(redact(text, { countries: ['FR'] }).text, 'City line [PHONE_1], NI [ID_1]', 'no pack for FR: every pack');
  assert.equal(redact(text).text, 'City line [PHONE_1], NI [ID_1]');
  // Long digit groups of any country are caught by the generic pack alone.
  assert.equal(redact('Tel. 8 (495) 123-45-67, SNILS 123-456-789 01', { countries: ['GB'] }).text, 'Tel. [NUMBER_1], SNILS [NUMBER_2]');
});

test('the same value keeps its placeholder across the system and user text', () => {
  const r = new Redactor({ countries: ['RU', 'DE'] });
  const a = r.redact('Write to anna@kestrel-print.example about 40702 810 9 0000 0001234.');
  const b = r.redact('From anna@kestrel-print.example: pay 40702 810 9 0000 0001234 and +49 30 12345678.');
  assert.equal(a, 'Write to [EMAIL_1] about [ACCOUNT_1].');
  assert.equal(b, 'From [EMAIL_1]: pay [ACCOUNT_1] and [PHONE_1].');
  assert.deepEqual(r.restoreDeep({ s: [b] }), { s: ['From anna@kestrel-print.example: pay 40702 810 9 0000 0001234 and +49 30 12345678.'] });
});

test('business countries: the profile country and the countries of its own accounts', () => {
  assert.deepEqual(businessCountries({ country: 'RU', own_accounts: ['40702810400000012345', 'DE89370400440532013000', 'GB29 NWBK 6016 1331 9268 19'] }), ['RU', 'DE', 'GB']);
  assert.deepEqual(businessCountries({ country: 'de', own_accounts: ['40802810900000001234'] }), ['DE', 'RU']);
  assert.deepEqual(businessCountries({ country: 'UK' }), ['GB']);
  assert.deepEqual(businessCountries(undefined), []);
});
