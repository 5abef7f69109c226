import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, summarise } from './assess.ts';
import { catalogue } from '../core/i18n/index.ts';

const money = (a: number, c?: string) => `${a} ${c ?? ''}`.trim();
const base = { subject: 's', facts: {}, sent: '2026-11-20', list: false, fromOwner: false, catalogue: catalogue('en'), money };

test('the summary is the message\'s first sentence with content, in its own language', () => {
  assert.equal(summarise('Счёт', 'Добрый день!\n\nНаправляем счёт № 112 от 02.11.2026 на оплату: бумага, 40 пачек.\nСумма: 86 400,00 руб.\n\nС уважением,\nбухгалтерия'), 'Направляем счёт № 112 от 02.11.2026 на оплату: бумага, 40 пачек.');
  assert.equal(summarise('Menus', 'Hi Anna,\n\nwe\'d like to order 200 winter menus, A4, laminated. Could you send a quote?\n\nThanks,\nMaria'), 'we\'d like to order 200 winter menus, A4, laminated.');
  assert.equal(summarise('Re: x', '> quoted old text\nАнна, добрый день!\nУдалось ли посмотреть наше предложение?'), 'Удалось ли посмотреть наше предложение?');
  assert.equal(summarise('Only a subject', ''), 'Only a subject');
  assert.ok(summarise('x', 'word '.repeat(100)).length <= 161);
});

test('priority, needs-reply and the next step follow the category and the facts', () => {
  const claim = assess({ ...base, category: 'claim', text: 'The menus are smudged.' });
  assert.deepEqual([claim.priority, claim.needsReply, claim.nextStep], ['high', true, 'Answer the claim: check the evidence and offer a remedy']);
  const invoice = assess({ ...base, category: 'invoice', text: 'x', facts: { invoice_amount: 86400, invoice_currency: 'RUB', invoice_due: '2026-11-30', invoice_number: '112' } });
  assert.deepEqual([invoice.priority, invoice.needsReply, invoice.nextStep], ['normal', false, 'Check and pay 86400 RUB by 2026-11-30 (invoice 112)']);
  assert.equal(assess({ ...base, category: 'invoice', text: 'x', facts: { invoice_due: '2026-11-22' } }).priority, 'high');
  const news = assess({ ...base, category: 'newsletter', text: 'Sale?', list: true });
  assert.deepEqual([news.priority, news.needsReply, news.nextStep], ['low', false, undefined]);
  const ru = assess({ ...base, category: 'client_request', text: 'Сколько стоит?', catalogue: catalogue('ru') });
  assert.equal(ru.nextStep, 'Ответить клиенту или отправить расчёт');
  assert.equal(assess({ ...base, category: 'client_request', text: 'x', fromOwner: true }).needsReply, false);
});
