import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstMatch, parseTriageRules, ruleMatches } from './rules.ts';

const CATS = ['invoice', 'claim', 'newsletter', 'notification', 'other'];
const row = (r: Record<string, string>) => ({ rule: '', field: '', match: '', text: '', category: '', priority: '', status: '', next_step: '', ...r });
const mail = { sender: 'Бухгалтерия <buh@mail.bumaga-opt.example>', subject: 'Счёт № 112 на оплату', body: 'Просим оплатить счёт до пятницы. Claim settlement attached.', attachments: ['invoice-112.pdf'] };

test('the match kinds users know from paperless-ngx: any word, all words, exact, regular expression, fuzzy', () => {
  const { rules, problems } = parseTriageRules([
    row({ rule: 'any', field: 'subject', match: 'any', text: 'накладная счёт', category: 'invoice' }),
    row({ rule: 'all', field: 'body', match: 'all', text: 'оплатить пятницы', category: 'invoice' }),
    row({ rule: 'all-miss', field: 'body', match: 'all', text: 'оплатить понедельника', category: 'invoice' }),
    row({ rule: 'exact-domain', field: 'domain', match: 'exact', text: 'bumaga-opt.example', priority: 'high' }),
    row({ rule: 'exact-sender', field: 'sender', match: 'exact', text: 'buh@mail.bumaga-opt.example', priority: 'high' }),
    row({ rule: 'regex', field: 'attachment', match: 'regex', text: '^invoice-\\d+\\.pdf$', category: 'invoice' }),
    row({ rule: 'fuzzy', field: 'text', match: 'fuzzy', text: 'setlement', category: 'claim' }),
    row({ rule: 'fuzzy-miss', field: 'text', match: 'fuzzy', text: 'settlers', category: 'claim' }),
  ], CATS);
  assert.deepEqual(problems, []);
  const hits = rules.filter((r) => ruleMatches(r, mail)).map((r) => r.name);
  assert.deepEqual(hits, ['any', 'all', 'exact-domain', 'exact-sender', 'regex', 'fuzzy']);
  assert.equal(firstMatch(rules, mail)?.name, 'any');
});

test('a rule that cannot be read is reported by its row, never a crash; the others still work', () => {
  const { rules, problems } = parseTriageRules([
    row({ rule: 'bad regex', field: 'subject', match: 'regex', text: '(unclosed', category: 'invoice' }),
    row({ rule: 'bad category', field: 'subject', match: 'any', text: 'x', category: 'bills' }),
    row({ rule: 'bad field', field: 'header', match: 'any', text: 'x', category: 'invoice' }),
    row({ rule: 'sets nothing', field: 'subject', match: 'any', text: 'x' }),
    row({ rule: 'good', field: 'domain', match: 'exact', text: 'printnews.example', category: 'newsletter', priority: 'low', status: 'archived' }),
  ], CATS);
  assert.equal(problems.length, 4);
  assert.match(problems[0]!, /Triage rules, bad regex: the regular expression "\(unclosed" is invalid/);
  assert.match(problems[1]!, /category "bills" is not in the categories note/);
  assert.match(problems[2]!, /field "header"/);
  assert.match(problems[3]!, /sets nothing/);
  assert.deepEqual(rules.map((r) => r.name), ['good']);
  assert.deepEqual(firstMatch(rules, { sender: 'PrintNews <news@printnews.example>', subject: 's', body: 'b', attachments: [] })?.set, { category: 'newsletter', priority: 'low', status: 'archived' });
});
