import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otherParties, proposalDomain, proposedName, resolveCounterparty, type CounterpartyRef, type OwnIdentity } from './counterparty.ts';

const CPS: CounterpartyRef[] = [
  { note: 'Bumaga Opt', name: 'Bumaga Opt', emails: ['sales@bumaga-opt.example'], domains: ['bumaga-opt.example'], aliases: ['ООО «Бумага Опт»'] },
  { note: 'Greenleaf Cafe', name: 'Greenleaf Cafe', emails: ['greenleaf.cafe@gmail.com'], domains: ['greenleaf.example'], aliases: [] },
  { note: 'Nordlicht GmbH', name: 'Nordlicht GmbH', emails: [], domains: ['nordlicht.example'], aliases: [] },
];
const FREE = new Set(['gmail.com', 'mail.ru']);
const OWN: OwnIdentity = { addresses: new Set(['anna@kestrel-print.example']), domains: new Set(['kestrel-print.example']) };
const a = (address: string, name = '') => ({ address, name });

test('address first, then domain (with subdomains), then name or alias', () => {
  assert.equal(resolveCounterparty([a('sales@bumaga-opt.example')], CPS, FREE)?.note, 'Bumaga Opt');
  assert.equal(resolveCounterparty([a('billing@mail.nordlicht.example')], CPS, FREE)?.note, 'Nordlicht GmbH');
  assert.equal(resolveCounterparty([a('igor@other.example', 'ООО «Бумага Опт»')], CPS, FREE)?.note, 'Bumaga Opt');
  assert.equal(resolveCounterparty([a('x@unknown.example', 'Someone')], CPS, FREE), undefined);
});

test('free-mail domains match by full address only', () => {
  assert.equal(resolveCounterparty([a('greenleaf.cafe@gmail.com')], CPS, FREE)?.note, 'Greenleaf Cafe');
  const cps = [...CPS, { note: 'Gmail person', name: 'Gmail person', emails: [], domains: ['gmail.com'], aliases: [] }];
  assert.equal(resolveCounterparty([a('stranger@gmail.com')], cps, FREE), undefined);
});

test('the other side of mail the owner sent is the recipient', () => {
  const parties = otherParties({ from: a('anna@kestrel-print.example'), to: [a('office@nordlicht.example')], cc: [] }, OWN);
  assert.deepEqual(parties.map((p) => p.address), ['office@nordlicht.example']);
});

test('proposals: business domains only, never lists, free mail or own domain', () => {
  assert.equal(proposalDomain([a('ivan@acme-trade.example')], false, FREE, OWN), 'acme-trade.example');
  assert.equal(proposalDomain([a('news@acme-trade.example')], true, FREE, OWN), undefined);
  assert.equal(proposalDomain([a('ivan@mail.ru')], false, FREE, OWN), undefined);
  assert.equal(proposalDomain([a('colleague@kestrel-print.example')], false, FREE, OWN), undefined);
});

test('proposed name from display names or the domain', () => {
  assert.equal(proposedName('acme-trade.example', ['Ivan Petrov | Acme Trade']), 'Acme Trade');
  assert.equal(proposedName('polygraf-service.example', ['Ivan Petrov']), 'Polygraf Service');
  assert.equal(proposedName('polygraf-service.example', ['Олег Смирнов | Полиграф Сервис', 'Полиграф Сервис']), 'Полиграф Сервис');
});
