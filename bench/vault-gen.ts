// Generates a synthetic vault for benchmarks. Mix per 100 notes: 70 mail notes (2-20 KB body, about
// 15 properties), 10 counterparties, 5 contracts, 5 monthly ledgers (table bodies), 5 decision items,
// 5 owner notes without AIOS properties. Deterministic for a given count.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const WORDS = 'invoice payment contract delivery paper order print catalogue menu price quote deadline renewal claim refund bank statement account transfer счёт оплата договор поставка бумага заказ печать каталог меню цена срок продление претензия возврат'.split(' ');

export function generateVault(root: string, count: number): void {
  if (existsSync(join(root, '.generated'))) return;
  const r = rng(42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const text = (bytes: number) => {
    const out: string[] = [];
    let n = 0;
    while (n < bytes) {
      const w = pick(WORDS);
      out.push(w);
      n += w.length + 1;
      if (r() < 0.08) out.push('\n\n');
    }
    return out.join(' ');
  };
  const dirs = ['Mail/2026/10', 'Mail/2026/11', 'Counterparties', 'Contracts', 'Finance/Ledgers/40702810400000012345', 'Queue', 'Notes'];
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (let i = 0; i < count; i++) {
    const slot = i % 100;
    const day = String(1 + (i % 28)).padStart(2, '0');
    if (slot < 70) {
      const month = i % 2 ? '11' : '10';
      const cp = `Company ${i % 5000}`;
      writeFileSync(join(root, `Mail/2026/${month}/2026-${month}-${day} 0914 Subject ${i}.md`), `---
aios_kind: mail_message
subject: "Re: ${pick(WORDS)} ${i}"
from: person${i % 997}@company${i % 5000}.example
from_name: Person ${i % 997}
to:
  - anna@kestrel-print.example
cc: []
date: 2026-${month}-${day}T09:14:00
message_id: "<${i}.${i * 7}@company${i % 5000}.example>"
thread_key: "<${i - (i % 3)}@company${i % 5000}.example>"
source: imap
account: main
mailbox: INBOX
uidvalidity: 1700000000
uid: ${i}
body_hash: "${(i * 2654435761 >>> 0).toString(16)}"
counterparty: "[[${cp}]]"
attachments: []
list: false
status: new
tags:
  - mail
---
${text(2000 + Math.floor(r() * 18000))}
`);
    } else if (slot < 80) {
      const n = Math.floor(i / 100) * 10 + (slot - 70);
      writeFileSync(join(root, `Counterparties/Company ${n}.md`), `---
aios_kind: counterparty
name: Company ${n}
aliases:
  - Co ${n}
relationship: ${pick(['client', 'supplier', 'partner'])}
status: active
emails:
  - billing@company${n}.example
domains:
  - company${n}.example
tax_id: "77${String(n).padStart(8, '0')}"
accounts:
  - "4070281${String(n).padStart(13, '0')}"
telegram: []
confidential: false
tags:
  - counterparty
---
# Company ${n}

${text(600)}
`);
    } else if (slot < 85) {
      writeFileSync(join(root, `Contracts/Company ${i % 5000} - Agreement ${i}.md`), `---
aios_kind: contract
title: Agreement ${i}
counterparty: "[[Company ${i % 5000}]]"
number: A-${i}
status: active
start: 2026-01-${day}
end: 2027-01-${day}
auto_renew: ${r() < 0.5}
notice_days: 30
amount: ${Math.floor(r() * 1e6)}.50
currency: RUB
confidential: false
---
${text(1500)}
`);
    } else if (slot < 90) {
      const rows = Array.from({ length: 40 }, (_, k) => `| 2026-11-${String(1 + (k % 28)).padStart(2, '0')} | ${k % 2 ? '-' : ''}${(k * 1234.5).toFixed(2)} | Company ${k} | ${pick(WORDS)} payment |`).join('\n');
      writeFileSync(join(root, `Finance/Ledgers/40702810400000012345/ledger-${i}.md`), `---
aios_kind: account_ledger
account: "40702810400000012345"
currency: RUB
month: 2026-11
transaction_count: 40
inflow: 1234567.89
outflow: 765432.1
updated: 2026-11-26T06:00:00
---
| date | amount | counterparty | text |
| --- | --- | --- | --- |
${rows}
`);
    } else if (slot < 95) {
      writeFileSync(join(root, `Queue/2026-11-${day} Question ${i}.md`), `---
aios_kind: decision_item
finding_key: finding-${i}
kind: possible_duplicate
title: Question ${i}
severity: medium
created: 2026-11-${day}T06:00:00
why: Two payments look the same.
evidence:
  - "[[Company ${i % 5000}]]"
options:
  - merge
  - keep both
status: open
---
${text(400)}
`);
    } else {
      writeFileSync(join(root, `Notes/Note ${i}.md`), `# Note ${i}\n\n${text(1500)}\n`);
    }
  }
  writeFileSync(join(root, '.generated'), String(count));
}
