// The learner's features see what the sender wrote now: quoted history, forwarded headers and signatures
// are taken out (English and Russian mail clients), and a bare forward keeps the mail it forwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailFeatures, ownText, senderAddress } from '../../companion/models/providers/features.ts';

test('quoted lines and reply headers are not the sender\'s text', () => {
  const r = ownText('Thanks, the invoice is paid.\n\nOn Tue, 3 Nov 2026, Anna Sokolova wrote:\n> Could you confirm the payment?\n> Anna');
  assert.equal(r.text.trim(), 'Thanks, the invoice is paid.');
  assert.match(r.quoted, /Could you confirm the payment\?/);
  const ru = ownText('Оплату получили.\n\nАнна Соколова писал(а):\n> Добрый день! Уточните статус.');
  assert.equal(ru.text.trim(), 'Оплату получили.');
  assert.match(ru.quoted, /Уточните статус/);
  const bare = ownText('See below.\n> old line one\n> old line two');
  assert.equal(bare.text.trim(), 'See below.');
});

test('Outlook and forwarded-message headers open the quoted part', () => {
  const outlook = ownText('Please find the signed contract attached.\n\n-----Original Message-----\nFrom: Anna\nSent: Monday\nSubject: contract\n\nCan you sign?');
  assert.equal(outlook.text.trim(), 'Please find the signed contract attached.');
  const ru = ownText('Пересылаю претензию клиента.\n\nОт: Иван Петров <ivan@x.example>\nОтправлено: 3 ноября 2026 г. 10:00\nКому: Анна\nТема: Претензия\n\nТираж пришёл с браком.');
  assert.equal(ru.text.trim(), 'Пересылаю претензию клиента.');
  assert.match(ru.quoted, /Тираж пришёл с браком/);
  // "From:" in a sentence is not a header block.
  assert.match(ownText('From: our side everything is ready.\nRegards').text, /everything is ready/);
});

test('signatures go: "-- " separator, Russian and English sign-offs near the bottom', () => {
  assert.equal(ownText('Счёт во вложении.\n\n-- \nС уважением,\nотдел по работе с клиентами\n+7 495 000-00-00').text.trim(), 'Счёт во вложении.');
  assert.equal(ownText('Счёт во вложении, оплатите до пятницы.\nС уважением, ООО «Бумага Опт»\nБухгалтерия').text.trim(), 'Счёт во вложении, оплатите до пятницы.');
  assert.equal(ownText('Thanks!\nWe received the payment of 500 EUR.\nBest,\nJan Becker').text.trim(), 'Thanks!\nWe received the payment of 500 EUR.');
  assert.equal(ownText('Thanks for the proof, looks good.\nKind regards\nSophie').text.trim(), 'Thanks for the proof, looks good.');
  // A reply quoted under a signature is still quoted, not signature.
  const both = ownText('Paid today.\n-- \nJan\n\nOn Mon, Anna wrote:\n> Any news?');
  assert.equal(both.text.trim(), 'Paid today.');
  assert.match(both.quoted, /Any news\?/);
});

test('features: the quoted history says nothing, a bare forward keeps the forwarded mail', () => {
  const reply = mailFeatures({ subject: 'Re: order', body: 'Yes, please go ahead with the reprint.\n\nOn Tue, Anna wrote:\n> Your invoice 552 is overdue.' });
  assert.ok(reply.has('b:reprint'));
  assert.ok(!reply.has('b:overdue'), 'the quoted line is not the sender\'s');
  const fwd = mailFeatures({ subject: 'Fwd: invoice', body: 'FYI\n\n---------- Forwarded message ---------\nFrom: Billing <billing@x.example>\nDate: Mon\n\nYour invoice 552 is overdue.' });
  assert.ok(fwd.has('b:overdue'), 'a two-word note over a forward: the forward is the mail');
});

test('sender addresses: the address inside a display name, lower-cased; none without @', () => {
  assert.equal(senderAddress('"Maria Lind, Greenleaf Cafe" <Maria@Greenleaf.example>'), 'maria@greenleaf.example');
  assert.equal(senderAddress('buh@bumaga-opt.example'), 'buh@bumaga-opt.example');
  assert.equal(senderAddress('Tom'), '');
  assert.equal(senderAddress(undefined), '');
});
