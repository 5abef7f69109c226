import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, luhn, redact } from './redact.ts';

test('identifiers become placeholders, the same value the same placeholder', () => {
  const r = redact('IBAN DE89370400440532013000, again DE89370400440532013000; ИНН7714698320; mail a.b@x.example; тел. +7 (495) 123-45-67');
  assert.equal(r.text, 'IBAN [IBAN_1], again [IBAN_1]; ИНН[TAX_ID_1]; mail [EMAIL_1]; тел. [PHONE_1]');
  assert.equal(r.map.get('[IBAN_1]'), 'DE89370400440532013000');
});

test('accounts, cards and long ids; amounts, dates and short numbers stay', () => {
  const r = redact('р/с 40702810400000012345, БИК 044525225, card 4111111111111111, 1 250 000,50 руб., 2026-11-30, invoice 1182, 8 500 шт.');
  assert.match(r.text, /р\/с \[ACCOUNT_1\]/);
  assert.match(r.text, /БИК \[NUMBER_1\]/);
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
