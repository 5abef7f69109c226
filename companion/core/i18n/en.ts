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

  // reconciliation (companion/reconcile)
  'reconcile.report.title': (p: { start: string; end: string }) => `Reconciliation ${p.start} to ${p.end}`,
  'reconcile.report.intro': (p: { asOf: string; matched: number; unmatched: number; review: number }) =>
    `As of ${p.asOf}: ${p.matched} payment(s) matched to invoices, ${p.unmatched} bank row(s) unmatched, ${p.review} waiting for your answer in the queue. Written by AIOS from the ledgers and the invoice records; rewritten on every run.`,
  'reconcile.report.matched': () => 'Matched',
  'reconcile.report.unmatched_bank': () => 'Bank rows without an invoice',
  'reconcile.report.unpaid': () => 'Invoices of the period not paid',
  'reconcile.report.due_soon': () => 'Due within 7 days',
  'reconcile.report.overdue': () => 'Overdue',
  'reconcile.report.differences': () => 'Differences',
  'reconcile.report.missed': () => 'Missed recurring payments',
  'reconcile.report.none': () => 'None.',
  'reconcile.report.more': (p: { count: number }) => `…and ${p.count} more: every one is in the invoice records (Finance/Invoices) and the ledgers.`,
  'reconcile.cols.matched': () => ['Date', 'Amount', 'Counterparty', 'Invoice', 'Contract', 'Ledger', 'Row', 'How'],
  'reconcile.cols.rows': () => ['Date', 'Amount', 'Counterparty', 'Text', 'Ledger', 'Row', 'Status'],
  'reconcile.cols.invoices': () => ['Way', 'Invoice', 'Counterparty', 'Issued', 'Due', 'Open', 'State'],
  'reconcile.cols.missed': () => ['Contract', 'Counterparty', 'Due', 'Amount', 'State'],
  'reconcile.way.incoming': () => 'we pay',
  'reconcile.way.outgoing': () => 'we are paid',
  'reconcile.how.auto': () => 'matched by AIOS',
  'reconcile.how.owner': () => 'confirmed by you',
  'reconcile.how.rule': () => 'by your rule',
  'reconcile.state.overdue': (p: { days: number }) => `overdue ${p.days} day(s)`,
  'reconcile.state.due_in': (p: { days: number }): string => (p.days === 0 ? 'due today' : `due in ${p.days} day(s)`),
  'reconcile.state.open': () => 'open',
  'reconcile.state.partly_paid': () => 'partly paid',
  'reconcile.state.asked': () => 'asked in the queue',
  'reconcile.state.waiting': () => 'doubtful: asked once earlier questions are answered',
  'reconcile.state.dismissed': () => 'not an invoice payment (your answer)',
  'reconcile.state.missed': () => 'missed',
  'reconcile.state.acknowledged': () => 'missed, you know',
  'reconcile.diff.partial': (p: { invoice: string; open: string }) => `${p.invoice}: paid in part, ${p.open} still open`,
  'reconcile.diff.over': (p: { row: string; extra: string }) => `${p.row}: ${p.extra} more than the invoices it pays`,
  'reconcile.balance.title': (p: { counterparty: string }) => `Balance with ${p.counterparty}`,
  'reconcile.balance.lines': (p: { receivable: string; payable: string; overdueIn: string; overdueOut: string; last?: string; next?: string }) => [
    `- They owe us: **${p.receivable}**${p.overdueOut !== '' ? `, of it overdue: ${p.overdueOut}` : ''}`,
    `- We owe them: **${p.payable}**${p.overdueIn !== '' ? `, of it overdue: ${p.overdueIn}` : ''}`,
    `- Last payment: ${p.last ?? 'none seen'}`,
    `- Next due: ${p.next ?? 'nothing open'}`,
  ],
  'reconcile.balance.open': () => 'Open invoices',
  'reconcile.balance.note': () => 'Written by AIOS from the invoice records and the ledgers; the counterparty note itself is never changed.',
  'reconcile.review.title': (p: { amount: string; date: string; party: string }) => `Which invoice does the payment of ${p.amount} on ${p.date} (${p.party}) pay?`,
  'reconcile.review.why': (p: { text: string }) => `The bank row could pay more than one invoice, or fits one only in part: AIOS does not match it without you. Payment text: "${p.text}".`,
  'reconcile.review.option': (p: { invoices: string; why: string }) => `${p.invoices} (${p.why})`,
  'reconcile.review.invoice': (p: { number: string; issued: string; party: string; amount: string }) => `invoice ${p.number} of ${p.issued}, ${p.party}, ${p.amount}`,
  'reconcile.review.none': () => 'None of these: leave the payment unmatched',
  'reconcile.review.done': (p: { invoices: string; learned: number }) => `Recorded the payment against ${p.invoices}${p.learned ? `; learned ${p.learned} rule(s) for this counterparty` : ''}.`,
  'reconcile.review.already': (p: { invoices: string }) => `The payment was already recorded against ${p.invoices}.`,
  'reconcile.review.dismissed': () => 'Left the payment unmatched; AIOS will not ask about it again.',
  'reconcile.review.gone': () => 'The bank row is no longer in the ledger: nothing recorded.',
  'reconcile.review.changed': () => 'The candidates changed (a new invoice or payment): asked again with the new ones.',
  'reconcile.review.matched': () => 'Matched meanwhile: the payment names its invoice.',
  'reconcile.missed.title': (p: { contract: string; due: string }) => `No payment seen for ${p.contract} due ${p.due}`,
  'reconcile.missed.why': (p: { amount: string; period: string; payer: 'us' | 'counterparty' }) =>
    `The contract says ${p.amount} every ${p.period}, ${p.payer === 'us' ? 'paid by the business' : 'paid to the business'}; the bank statements cover this date and show no such payment.`,
  'reconcile.missed.paid_otherwise': () => 'It was paid another way (cash, another account)',
  'reconcile.missed.noted': () => 'Noted: I will see to it',
  'reconcile.missed.done': (p: { option: string }): string => (p.option === 'paid_otherwise' ? 'Marked as paid another way: no longer reported as missed.' : 'Noted: it stays in the report as missed until a payment appears.'),
  'reconcile.period.week': () => 'week',
  'reconcile.period.month': () => 'month',
  'reconcile.period.quarter': () => 'quarter',
  'reconcile.period.year': () => 'year',
  'reconcile.learned.intro': () => 'What AIOS learned from the matches you confirmed: which payer account, tax id or name is which counterparty, and which counterparties may be matched on an amount alone. Your own Matching rules note overrides a row here; delete a row to unlearn it.',
  'reconcile.record.title': (p: { number: string; party: string; way: 'incoming' | 'outgoing'; credit: boolean }) =>
    `${p.credit ? 'Credit note' : 'Invoice'} ${p.number} ${p.way === 'incoming' ? 'from' : 'to'} ${p.party}`.trim(),
  'reconcile.record.about': (p: { amount: string }) =>
    `${p.amount}. Kept by AIOS from the sources listed in its properties, with the bank payments matched to it; you may set status (cancelled), due or counterparty, and your value stays.`,
  'reconcile.actdiff.title': (p: { counterparty: string; from: string; to: string }) => `The act of reconciliation from ${p.counterparty} for ${p.from} to ${p.to} differs from our books`,
  'reconcile.actdiff.why': (p: { difference: string }) => `${p.difference}. Compared line by line with the act built from our invoice records and the bank.`,
  'reconcile.actdiff.ask_them': () => 'Their act is wrong: send them ours and ask them to correct it',
  'reconcile.actdiff.fix_ours': () => 'Our books are wrong: I will correct the invoice',
  'reconcile.actdiff.ignore': () => 'Not worth pursuing',
  'reconcile.actdiff.done': (p: { option: 'ask_them' | 'fix_ours' | 'ignore' }): string =>
    p.option === 'ask_them' ? 'Noted: our act is in the vault to send them; AIOS sends nothing itself.' : p.option === 'fix_ours' ? 'Noted: correct the invoice or the source it came from, and the next run compares again.' : 'Noted: this difference will not be raised again.',

  // acts of reconciliation (companion/reconcile/act.ts)
  'act.title': () => 'Act of reconciliation of mutual settlements',
  'act.between': (p: { business: string; counterparty: string }) => `between ${p.business} and ${p.counterparty}`,
  'act.period': (p: { from: string; to: string }) => `for the period from ${p.from} to ${p.to}`,
  'act.currency': (p: { currency: string }) => `Amounts in ${p.currency}.`,
  'act.according': (p: { party: string }) => `According to ${p.party}`,
  'act.column.date': () => 'Date',
  'act.column.document': () => 'Document',
  'act.column.debit': () => 'Debit',
  'act.column.credit': () => 'Credit',
  'act.opening': () => 'Opening balance',
  'act.turnover': () => 'Turnover for the period',
  'act.closing': () => 'Closing balance',
  'act.document.invoice': (p: { number: string; date: string }) => `Invoice No. ${p.number} of ${p.date}`,
  'act.document.credit_note': (p: { number: string; date: string }) => `Credit note No. ${p.number} of ${p.date}`,
  'act.document.payment_out': (p: { date: string }) => `Payment made on ${p.date}`,
  'act.document.payment_in': (p: { date: string }) => `Payment received on ${p.date}`,
  'act.money': (p: { amount: string; currency: string }) => `${p.amount} ${p.currency}`,
  // A plain decimal (`146400.00`) grouped for reading; a date (`YYYY-MM-DD`) as the owner writes it.
  'act.amount': (p: { value: string }) => p.value.replace(/^-?\d+/, (whole) => whole.replace(/\B(?=(\d{3})+$)/g, ',')),
  'act.date': (p: { date: string }) => p.date,
  'act.balance': (p: { date: string; debtor?: string; creditor?: string; amount: string }) =>
    p.debtor && p.creditor ? `On ${p.date} ${p.debtor} owes ${p.creditor} ${p.amount}.` : `On ${p.date} neither side owes the other anything.`,
  'act.signature': (p: { party: string }) => `For ${p.party}: ____________________`,
  'act.owed': (p: { amount: string; side: 'they_owe' | 'we_owe' | 'settled' }) =>
    p.side === 'they_owe' ? `they owe us ${p.amount}` : p.side === 'we_owe' ? `we owe them ${p.amount}` : 'nothing owed',
  'act.difference.amount': (p: { document: string; ours: string; theirs: string }) => `${p.document}: ${p.ours} in our books, ${p.theirs} in their act`,
  'act.difference.missing_ours': (p: { document: string; amount: string }) => `${p.document} for ${p.amount} is in their act but not in our books`,
  'act.difference.missing_theirs': (p: { document: string; amount: string }) => `${p.document} for ${p.amount} is in our books but not in their act`,
  'act.difference.opening': (p: { date: string; ours: string; theirs: string }) => `Opening balance on ${p.date}: ${p.ours} by our books, ${p.theirs} by their act`,
  'act.difference.closing': (p: { date: string; ours: string; theirs: string }) =>
    `Closing balance on ${p.date}: ${p.ours} by our books, ${p.theirs} by their act, more than the lines of the act explain`,
  // risk hunting (companion/risk)
  'risk.contract.title': (p: { contract: string; deadline: string; autoRenew: boolean }) =>
    p.autoRenew ? `Last day to give notice on ${p.contract}: ${p.deadline}` : `${p.contract} ends on ${p.deadline}`,
  'risk.contract.why': (p: { end: string; noticeDays?: number; autoRenew: boolean; days: number }) =>
    p.autoRenew
      ? `It renews by itself on ${p.end} unless notice is given ${p.noticeDays ?? 0} days before, so ${p.days} day(s) are left to decide whether to renew, renegotiate or let it end.`
      : `It ends on ${p.end}, in ${p.days} day(s), and does not renew by itself.`,
  'risk.contract.renew': () => 'Renew it as it is',
  'risk.contract.renegotiate': () => 'Renegotiate the terms before the deadline',
  'risk.contract.let_end': () => 'Let it end',
  'risk.contract.done': (p: { option: 'renew' | 'renegotiate' | 'let_end'; autoRenew: boolean; deadline: string }): string =>
    p.option === 'renew'
      ? p.autoRenew ? 'Noted: it renews by itself; nothing to send.' : `Noted: arrange the renewal with them before ${p.deadline} and set the new end in the contract note.`
      : p.option === 'renegotiate' ? `Noted: renegotiate before ${p.deadline}; set the new terms in the contract note when agreed.`
        : p.autoRenew ? `Noted: send them your notice before ${p.deadline}; this contract will not be raised again.` : 'Noted: it ends as planned; this contract will not be raised again.',
  'risk.overdue.title': (p: { number: string; party: string; days: number; incoming: boolean }) =>
    p.incoming ? `Invoice ${p.number} from ${p.party} is ${p.days} day(s) overdue and unpaid` : `${p.party} has not paid invoice ${p.number}, ${p.days} day(s) overdue`,
  'risk.overdue.why': (p: { amount: string; due: string; issued: string }) => `${p.amount} open, issued ${p.issued}, due ${p.due}. No payment in the bank statements matches it.`,
  'risk.overdue.remind': () => 'Remind the client',
  'risk.overdue.wait': () => 'Give them more time',
  'risk.overdue.pay': () => 'Pay it',
  'risk.overdue.dispute': () => 'Dispute it',
  'risk.overdue.done': (p: { option: string; number: string }): string =>
    p.option === 'remind' ? `Noted: remind them of invoice ${p.number}; AIOS sends nothing itself.`
      : p.option === 'pay' ? `Noted: pay invoice ${p.number}; its record is closed when the bank shows the payment.`
          : p.option === 'dispute' ? `Noted: invoice ${p.number} is disputed.` : `Noted: waiting for the payment of invoice ${p.number}.`,
  'risk.duplicate.title': (p: { party: string; amount: string }) => `Possibly paid twice: ${p.amount} to ${p.party}`,
  'risk.duplicate.why': (p: { first: string; second: string; reason: string }) => `Two outgoing payments, on ${p.first} and ${p.second}, ${p.reason}.`,
  'risk.duplicate.same_reference': () => 'with the same reference',
  'risk.duplicate.same_amount': (p: { days: number }) => `of the same amount ${p.days} day(s) apart with near-identical purposes`,
  'risk.duplicate.refund': () => 'A duplicate: ask them to refund or offset it',
  'risk.duplicate.not_duplicate': () => 'Not a duplicate: two different payments',
  'risk.duplicate.done': (p: { option: string }): string => (p.option === 'refund' ? 'Noted: ask them for the refund or an offset; AIOS sends nothing itself.' : 'Noted: two different payments; this pair will not be raised again.'),
  'risk.unusual.title_new': (p: { party: string; amount: string }) => `First payment to ${p.party}: ${p.amount}`,
  'risk.unusual.title_size': (p: { party: string; amount: string }) => `Unusual payment to ${p.party}: ${p.amount}`,
  'risk.unusual.why_new': (p: { threshold: string; since: string }) => `Nothing was paid to this payee in the statements since ${p.since}, and the amount is above ${p.threshold}.`,
  'risk.unusual.why_size': (p: { median: string; count: number }) => `Far outside this payee's own history: ${p.count} earlier payment(s), typically ${p.median}.`,
  'risk.unusual.expected': () => 'Expected: I know about it',
  'risk.unusual.investigate': () => 'Not expected: look into it with the bank',
  'risk.unusual.done': (p: { option: string }): string => (p.option === 'expected' ? 'Noted as expected.' : 'Noted: check it with the bank at once; AIOS contacts no one itself.'),
  'risk.claim.title': (p: { party: string }) => `Claim from ${p.party}`,
  'risk.claim.why': (p: { subject: string; date: string; summary: string }) => `"${p.subject}" (${p.date}): ${p.summary}`,
  'risk.claim.accept': () => 'Accept it and offer a remedy',
  'risk.claim.dispute': () => 'Dispute it',
  'risk.claim.negotiate': () => 'Negotiate',
  'risk.claim.done': (p: { option: string }): string =>
    p.option === 'accept' ? 'Noted: offer the remedy; the next mail in this thread links this decision.' : p.option === 'dispute' ? 'Noted: disputed; the next mail in this thread links this decision.' : 'Noted: negotiate; the next mail in this thread links this decision.',
  'risk.cash.title_floor': (p: { total: string; floor: string }) => `Cash ${p.total} is below the floor of ${p.floor}`,
  'risk.cash.title_runway': (p: { months: string }) => `Runway is down to ${p.months} months`,
  'risk.cash.why': (p: { total: string; runway?: string; asOf: string }) => `Cash position as of ${p.asOf}: ${p.total}${p.runway ? `, runway ${p.runway} months at the last 90 days' mean net outflow` : ''}.`,
  'risk.cash.plan': () => 'I will plan for it (delay payments, chase receivables)',
  'risk.cash.acknowledge': () => 'Known and covered',
  'risk.cash.done': (p: { option: string }): string => (p.option === 'plan' ? 'Noted: the digest keeps showing the cash position and overdue receivables.' : 'Noted as covered.'),
  'risk.bank.title_mail': (p: { party: string }) => `${p.party} announces new bank details`,
  'risk.bank.title_payment': (p: { party: string; account: string }) => `Paid ${p.party} to an account not on their note (${p.account})`,
  'risk.bank.why_mail': (p: { subject: string; date: string; from: string; account?: string; known: string }) =>
    `"${p.subject}" from ${p.from} (${p.date})${p.account ? ` gives the account ${p.account}` : ' says the bank details changed'}. Known accounts: ${p.known}. Changed details are a classic fraud before a payment: confirm them by phone, on a number you already had, before paying.`,
  'risk.bank.why_payment': (p: { date: string; amount: string; known: string }) => `On ${p.date} ${p.amount} went to this account; the counterparty's note lists ${p.known}.`,
  'risk.bank.none_known': () => 'none',
  'risk.bank.unknown_sender': () => 'none, the sender is not a known counterparty',
  'risk.bank.confirmed': () => 'Confirmed with them by phone: the new account is theirs',
  'risk.bank.fraud': () => 'Not theirs: treat it as fraud',
  'risk.bank.done': (p: { option: string; account?: string }): string =>
    p.option === 'confirmed'
      ? `Noted${p.account ? `: ${p.account} is no longer raised; add it to the counterparty note` : ''}.`
      : `Noted as fraud${p.account ? `: any payment to ${p.account} is raised at once` : ''}; the mail is marked done. Tell the bank if money has gone.`,
  'risk.deadline.title': (p: { party: string; deadline: string }) => `${p.party} set a deadline: ${p.deadline}`,
  'risk.deadline.why': (p: { subject: string; date: string; summary: string }) => `"${p.subject}" (${p.date}): ${p.summary}`,
  'risk.deadline.handled': () => 'Handled (answered or done)',
  'risk.deadline.working': () => 'I am working on it',
  'risk.deadline.not_relevant': () => 'Not relevant to us',
  'risk.deadline.done': (p: { option: string }): string => (p.option === 'handled' ? 'Noted as handled; the mail is marked done.' : p.option === 'working' ? 'Noted: the deadline stays in the digest until it passes.' : 'Noted: not relevant; the mail is marked done.'),
  'risk.authority': () => 'an authority',
  'risk.resolved': () => 'Closed by the risk scan: the facts behind it went away (paid, changed, answered or deleted).',
} as const;

export type Catalogue = { [K in keyof typeof en]: (typeof en)[K] };
