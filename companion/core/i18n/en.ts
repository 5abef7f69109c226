// The English catalogue: every text the companion writes for the owner, by key. The Russian one has
// the same keys (its type says so), so a text added here is missing there until translated.
export const en = {
  'triage.next.invoice': (p: { amount?: string; due?: string; number?: string }) =>
    p.amount ? `Check and pay ${p.amount}${p.due ? ` by ${p.due}` : ''}${p.number ? ` (invoice ${p.number})` : ''}` : 'Check the invoice and plan the payment',
  'triage.next.payment_notice': () => 'Check the payment against its invoice',
  'triage.next.contract': (p: { deadline?: string }) => (p.deadline ? `Review the contract terms before ${p.deadline}` : 'Review the contract terms'),
  'triage.next.claim': () => 'Answer the claim: check the evidence and offer a remedy',
  'triage.next.client_request': () => 'Reply to the client: answer or send a quote',
  'triage.next.deadline': (p: { deadline: string }) => `Answer by ${p.deadline}`,
  'triage.next.reply': () => 'Reply',
} as const;

export type Catalogue = { [K in keyof typeof en]: (typeof en)[K] };
