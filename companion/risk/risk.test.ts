// The detectors on small hand-made inputs: each raises what it should and keeps quiet on its near misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, contractDeadline, moneyFromNumber, moneyToNumber } from '../../contract/index.ts';
import type { BankRow } from '../core/bank.ts';
import { catalogue } from '../core/i18n/index.ts';
import { findRisks } from './index.ts';
import { announcesBankChange, claimWords } from './messages.ts';
import { purposeSimilarity, robustExcess } from './payments.ts';
import type { MessageFact, RiskConfig, RiskInput } from './types.ts';

const TODAY = '2026-06-15';
const CFG: RiskConfig = { contractHorizonDays: 30, overdueGraceDays: 3, duplicateWindowDays: 7, newPayeeAmount: 100000, cashFloor: 200000, runwayMonths: 2 };

function input(over: Partial<RiskInput> = {}): RiskInput {
  return {
    today: TODAY, base: 'RUB', contracts: [], invoices: [], messages: [], counterparties: [], rows: [], pastOut: [], historyFrom: new Map(),
    toBase: (a) => moneyToNumber(a), decisions: [], askedDuplicates: new Set(), confirmedAccounts: new Set(), fraudAccounts: new Set(), ownAddresses: new Set(['me@firm.example']),
    ...over,
  };
}

let n = 0;
function row(date: string, amount: number, payee: string, text: string, extra: Partial<BankRow> = {}): BankRow {
  return { key: `k${++n}`, ledger: `Finance/Ledgers/acc/${date.slice(0, 7)}`, account: 'acc', date, amount: moneyFromNumber(amount), currency: 'RUB', counterpartyName: payee, counterpartyTaxId: `77${payee.length}`, text, ...extra };
}

function mail(over: Partial<MessageFact> & { text?: string }): MessageFact {
  const { text = '', ...rest } = over;
  const body = `${rest.subject ?? ''}\n${text}`;
  return { path: `Mail/${++n}.md`, kind: 'mail_message', subject: '', from: 'x@y.example', date: '2026-06-14', status: 'new', categorySure: true, threadKey: `<t${n}>`, messageId: `<m${n}>`, list: false, claimWords: claimWords(body), bankChange: announcesBankChange(body), ...rest };
}

const kinds = (i: RiskInput, confirmed: ReadonlySet<string> = new Set()) => findRisks(i, CFG, confirmed, 'en').findings.map((f) => f.kind).sort();

test('the words: claims and changed bank details, in Russian and English, and their near misses', () => {
  assert.equal(claimWords('Направляем претензию: требуем уплатить неустойку, иначе обратимся в суд'), 3);
  assert.equal(claimWords('We will take legal action and claim a penalty'), 3);
  assert.equal(claimWords('Судоходство и иски нас не касаются'), 0);
  assert.equal(claimWords('Спасибо за заказ, всё получили'), 0);
  assert.ok(announcesBankChange('Сообщаем об изменении банковских реквизитов: новый р/с 40702810...'));
  assert.ok(announcesBankChange('Our bank details have changed. Please pay to the new account.'));
  assert.ok(announcesBankChange('URGENT: updated bank details for your supplier'));
  assert.ok(announcesBankChange('Просим с 1 декабря перечислять оплату на новый расчётный счёт'));
  assert.ok(announcesBankChange('Мы перешли на обслуживание в другой банк'));
  assert.ok(announcesBankChange('Please update our bank details before the next payment: new IBAN below'));
  assert.ok(announcesBankChange('Unsere Bankverbindung hat sich geändert'));
  assert.ok(!announcesBankChange('Наши реквизиты — в приложенном счёте'));
  assert.ok(!announcesBankChange('Оплата по счёту на расчётный счёт, указанный в договоре'));
  assert.ok(!announcesBankChange('Please find our bank details on the invoice'));
});

test('purposes and amounts: near-identical purposes, robust excess over a payee\'s history', () => {
  assert.ok(purposeSimilarity('Оплата по счету № 245 от 03.06.2026 за картон', 'Оплата по счёту № 245 от 03.06.2026 за картон') >= 0.8);
  assert.ok(purposeSimilarity('Оплата по счету № 245 за картон', 'Оплата по счету № 251 за картон') < 0.9);
  assert.ok(robustExcess([50000, 52000, 49000, 51000, 50500], 300000) > 6);
  assert.ok(robustExcess([50000, 52000, 49000, 51000, 50500], 56000) < 6);
  // One sum every time: a tenth of it stands in for the spread.
  assert.ok(robustExcess([30000, 30000, 30000, 30000], 33000) < 6);
});

test('contracts: the last day to give notice when it renews by itself, the end when not; let end is remembered', () => {
  assert.equal(contractDeadline({ end: '2026-12-31', noticeDays: 30, autoRenew: true }), '2026-12-01');
  assert.equal(contractDeadline({ end: '2026-12-31', noticeDays: 30, autoRenew: false }), '2026-12-31');
  const c = (end: string, noticeDays: number, autoRenew: boolean, path = `Contracts/${end}.md`) => ({ path, link: `[[${path.slice(0, -3)}]]`, title: 'Supply', counterparty: '[[A]]', status: 'active', end, noticeDays, autoRenew });
  const soon = c(addDays(TODAY, 40), 30, true); // notice day in 10 days
  const far = c(addDays(TODAY, 120), 30, true);
  const ending = c(addDays(TODAY, 20), 60, false); // no renewal: its end counts
  assert.deepEqual(kinds(input({ contracts: [soon, far, ending] })), ['contract_notice', 'contract_notice']);
  const remembered = input({ contracts: [soon], decisions: [{ path: 'Decisions/x.md', kind: 'contract_notice', option: 'let_end', findingKey: 'old', date: TODAY, contract: soon.link }] });
  assert.deepEqual(kinds(remembered), []);
});

test('invoices: past due beyond the grace and unpaid, either way; keys do not change as days pass', () => {
  const inv = (due: string, outstanding: number, status = 'open') => ({ path: `Finance/Invoices/${due}.md`, key: `k:${due}`, number: due, direction: 'outgoing' as const, party: 'A', issued: addDays(due, -10), due, outstanding: moneyFromNumber(outstanding), currency: 'RUB', status });
  const i = input({ invoices: [inv(addDays(TODAY, -15), 1000), inv(addDays(TODAY, -3), 1000), inv(addDays(TODAY, -20), 0, 'paid')] });
  assert.deepEqual(kinds(i), ['invoice_overdue']);
  const keyToday = findRisks(i, CFG, new Set(), 'en').findings[0]!.finding_key;
  const keyTomorrow = findRisks({ ...i, today: addDays(TODAY, 1) }, CFG, new Set(), 'en').findings[0]!.finding_key;
  assert.equal(keyToday, keyTomorrow);
  // A changed fact (part of it paid) is a new finding: asked again.
  const partPaid = { ...i, invoices: [{ ...i.invoices[0]!, outstanding: moneyFromNumber(400), status: 'partly_paid' }] };
  assert.notEqual(findRisks(partPaid, CFG, new Set(), 'en').findings[0]!.finding_key, keyToday);
});

test('payments: a duplicate, a first large payment to a stranger, one far outside a payee\'s history, an unknown account', () => {
  const history: BankRow[] = [];
  for (let m = 0; m < 5; m++) {
    const d = addDays('2026-01-10', m * 28);
    history.push(row(d, -50000, 'Landlord', `Rent ${m}`), row(addDays(d, 3), -20000, 'Paper Co', `Paper order ${m}`, { counterparty: '[[Paper Co]]', counterpartyAccount: '40702810000000000001' }));
  }
  const historyFrom = new Map([['acc', '2026-01-10']]);
  const ordinary = input({ rows: [...history, row('2026-06-10', -51000, 'Landlord', 'Rent 6')], historyFrom });
  assert.deepEqual(kinds(ordinary), []);
  const dup = [row('2026-06-09', -20000, 'Paper Co', 'Оплата по счету № 77 от 01.06.2026 за бумагу'), row('2026-06-11', -20000, 'Paper Co', 'Оплата по счёту № 77 от 01.06.2026 за бумагу')];
  assert.deepEqual(kinds(input({ rows: [...history, ...dup], historyFrom })), ['duplicate_payment']);
  // Already asked by the statements module: not again.
  assert.deepEqual(kinds(input({ rows: [...history, ...dup], historyFrom, askedDuplicates: new Set([dup[1]!.key]) })), []);
  const stranger = row('2026-06-12', -480000, 'Unknown LLC', 'Prepayment for equipment');
  assert.deepEqual(kinds(input({ rows: [...history, stranger], historyFrom })), ['unusual_payment']);
  // Over a short ledger only a stranger (no counterparty note) far above the usual counts; a known supplier's first payment does not.
  const week = [row('2026-06-08', -30000, 'Paper Co', 'Paper', { counterparty: '[[Paper Co]]' }), row('2026-06-09', -45000, 'Landlord', 'Rent', { counterparty: '[[Landlord]]' }), row('2026-06-10', -20000, 'Ink Ltd', 'Ink', { counterparty: '[[Ink Ltd]]' })];
  const short = new Map([['acc', '2026-06-08']]);
  assert.deepEqual(kinds(input({ rows: [...week, stranger], historyFrom: short })), ['unusual_payment']);
  assert.deepEqual(kinds(input({ rows: [...week, { ...stranger, counterparty: '[[New Supplier]]' }], historyFrom: short })), []);
  assert.deepEqual(kinds(input({ rows: week, historyFrom: short })), []);
  const huge = row('2026-06-12', -400000, 'Landlord', 'Rent and deposit');
  assert.deepEqual(kinds(input({ rows: [...history, huge], historyFrom })), ['unusual_payment']);
  const cps = [{ link: '[[Paper Co]]', name: 'Paper Co', accounts: ['40702810000000000001'], emails: [], domains: [] }];
  const elsewhere = row('2026-06-13', -20000, 'Paper Co', 'Paper order 6', { counterparty: '[[Paper Co]]', counterpartyAccount: '40702810999999999999' });
  assert.deepEqual(kinds(input({ rows: [...history, elsewhere], historyFrom, counterparties: cps })), ['bank_details_changed']);
  assert.deepEqual(kinds(input({ rows: [...history, elsewhere], historyFrom, counterparties: cps, confirmedAccounts: new Set(['40702810999999999999']) })), []);
});

test('messages: claims by category or confirmed words, one per dispute; bank details; deadlines from authorities and counterparties', () => {
  const cps = [{ link: '[[Client]]', name: 'Client', accounts: ['40702810000000000002'], emails: ['c@client.example'], domains: ['client.example'] }];
  const claimMail = mail({ counterparty: '[[Client]]', category: 'claim', subject: 'Complaint', text: 'Complaint about the print run' });
  const chatSameDay = mail({ kind: 'chat_log', counterparty: '[[Client]]', category: 'claim', subject: 'Client', text: 'the print run again' });
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [claimMail, chatSameDay] })), ['claim']);
  // Words alone, one group: only when a model confirmed it.
  const worded = mail({ counterparty: '[[Client]]', category: 'client_request', subject: 'Order', text: 'we will claim it back' });
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [worded] })), []);
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [worded] }), new Set([worded.path])), ['claim']);
  // A newsletter and the owner's own mail never count.
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [mail({ list: true, category: 'claim', counterparty: '[[Client]]' }), mail({ from: 'me@firm.example', category: 'claim', counterparty: '[[Client]]' })] })), []);
  const newAccount = mail({ counterparty: '[[Client]]', bankAccount: '40702810000000000009', subject: 'Invoice', text: 'Pay to our account 40702810000000000009' });
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [newAccount] })), ['bank_details_changed']);
  const known = mail({ counterparty: '[[Client]]', bankAccount: '40702810000000000002', subject: 'Invoice', text: 'Pay to 40702810000000000002' });
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [known] })), []);
  const tax = mail({ from: 'ifns-14@nalog.example', fromName: 'ИФНС России № 14', subject: 'Требование', text: 'представить пояснения', deadline: '2026-06-20' });
  const stranger = mail({ from: 'sales@vendor.example', subject: 'Offer', text: 'offer valid', deadline: '2026-06-30' });
  const invoiceDue = mail({ counterparty: '[[Client]]', category: 'invoice', subject: 'Invoice', text: 'pay by', deadline: '2026-06-25' });
  assert.deepEqual(kinds(input({ counterparties: cps, messages: [tax, stranger, invoiceDue] })), ['mail_deadline']);
});

test('cash: under the floor, or a short runway; one key per spell', () => {
  const cash = (totalBase: number, runwayMonths?: number) => ({ path: 'Finance/Cash position.md', asOf: `${TODAY}T06:00:00`, base: 'RUB', totalBase, ...(runwayMonths !== undefined ? { runwayMonths } : {}) });
  assert.deepEqual(kinds(input({ cash: cash(1_000_000) })), []);
  assert.deepEqual(kinds(input({ cash: cash(150_000) })), ['low_cash']);
  assert.deepEqual(kinds(input({ cash: cash(1_000_000, 1.5) })), ['low_cash']);
  const a = findRisks(input({ cash: cash(150_000), lowCashSince: '2026-06-10' }), CFG, new Set(), 'en').findings[0]!.finding_key;
  const b = findRisks(input({ cash: cash(120_000), lowCashSince: '2026-06-10', today: '2026-06-16' }), CFG, new Set(), 'en').findings[0]!.finding_key;
  assert.equal(a, b);
  assert.ok(catalogue('ru')['risk.cash.title_floor']({ total: '1', floor: '2' }).includes('порога'));
});
