// The Russian catalogue: the same keys as the English one.
import type { Catalogue } from './en.ts';

export const ru: Catalogue = {
  'triage.next.invoice': (p) =>
    p.amount ? `Проверить и оплатить ${p.amount}${p.due ? ` до ${p.due}` : ''}${p.number ? ` (счёт № ${p.number})` : ''}` : 'Проверить счёт и запланировать оплату',
  'triage.next.payment_notice': () => 'Сверить платёж со счётом',
  'triage.next.contract': (p) => (p.deadline ? `Рассмотреть условия договора до ${p.deadline}` : 'Рассмотреть условия договора'),
  'triage.next.claim': () => 'Ответить на претензию: проверить доводы и предложить решение',
  'triage.next.client_request': () => 'Ответить клиенту или отправить расчёт',
  'triage.next.deadline': (p) => `Ответить до ${p.deadline}`,
  'triage.next.reply': () => 'Ответить',
};
