// The owner's triage rules, from the `triage` rules note: one table row per rule, the first that matches
// a message decides what it sets. Conditions look at the sender, its domain, the subject, the body, the
// attachment names or the chat, matched the ways paperless-ngx users know: any word, all words, exact,
// regular expression, fuzzy. A rule that cannot be read is reported by its row and skipped. Pure.
import { MAIL_STATUSES, PRIORITIES } from '../../contract/index.ts';

export const RULE_FIELDS = ['sender', 'domain', 'subject', 'body', 'text', 'attachment', 'chat'] as const;
export const RULE_MATCHES = ['any', 'all', 'exact', 'regex', 'fuzzy'] as const;

export interface TriageRule {
  name: string;
  field: (typeof RULE_FIELDS)[number];
  match: (typeof RULE_MATCHES)[number];
  text: string;
  regex?: RegExp;
  set: {
    category?: string;
    priority?: (typeof PRIORITIES)[number];
    status?: (typeof MAIL_STATUSES)[number];
    next_step?: string;
  };
}

/** What a rule looks at in a message. */
export interface RuleSubject {
  sender: string;
  subject: string;
  body: string;
  attachments: readonly string[];
  chat?: string;
}

export function parseTriageRules(rows: readonly Record<string, string>[], categories: readonly string[]): { rules: TriageRule[]; problems: string[] } {
  const rules: TriageRule[] = [];
  const problems: string[] = [];
  rows.forEach((r, i) => {
    const get = (k: string) => (r[k] ?? '').trim();
    const name = get('rule') || `row ${i + 1}`;
    const where = `Triage rules, ${name}`;
    const field = get('field').toLowerCase() as TriageRule['field'];
    const match = (get('match').toLowerCase() || 'any') as TriageRule['match'];
    const text = get('text');
    if (!(RULE_FIELDS as readonly string[]).includes(field)) return problems.push(`${where}: field "${get('field')}" is not one of ${RULE_FIELDS.join(', ')}`);
    if (!(RULE_MATCHES as readonly string[]).includes(match)) return problems.push(`${where}: match "${get('match')}" is not one of ${RULE_MATCHES.join(', ')}`);
    if (text === '') return problems.push(`${where}: the text to match is empty`);
    const set: TriageRule['set'] = {};
    const category = get('category');
    if (category) {
      if (!categories.includes(category)) return problems.push(`${where}: category "${category}" is not in the categories note`);
      set.category = category;
    }
    const priority = get('priority').toLowerCase();
    if (priority) {
      if (!(PRIORITIES as readonly string[]).includes(priority)) return problems.push(`${where}: priority "${priority}" is not high, normal or low`);
      set.priority = priority as TriageRule['set']['priority'];
    }
    const status = get('status').toLowerCase();
    if (status) {
      if (!(MAIL_STATUSES as readonly string[]).includes(status)) return problems.push(`${where}: status "${status}" is not one of ${MAIL_STATUSES.join(', ')}`);
      set.status = status as TriageRule['set']['status'];
    }
    if (get('next_step')) set.next_step = get('next_step');
    if (Object.keys(set).length === 0) return problems.push(`${where}: it sets nothing (give a category, priority, status or next step)`);
    const rule: TriageRule = { name, field, match, text, set };
    if (match === 'regex') {
      try {
        rule.regex = new RegExp(text, 'iu');
      } catch (e) {
        return problems.push(`${where}: the regular expression "${text}" is invalid (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
      }
    }
    rules.push(rule);
    return undefined;
  });
  return { rules, problems };
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
const wordsOf = (s: string) => norm(s).match(/[\p{L}\p{N}]+(?:[@._-][\p{L}\p{N}]+)*/gu) ?? [];

/** Edit distance, bounded: the cost is what a short word list needs. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A word is fuzzily there when one of the field's words is within one edit per five letters of it. */
function fuzzyHas(words: readonly string[], w: string): boolean {
  const allowed = Math.max(1, Math.floor(w.length / 5));
  return words.some((x) => x === w || (w.length >= 4 && distance(x, w) <= allowed));
}

function fieldText(s: RuleSubject, field: TriageRule['field']): string[] {
  const at = s.sender.lastIndexOf('@');
  switch (field) {
    case 'sender': return [s.sender];
    case 'domain': return [at >= 0 ? s.sender.slice(at + 1).replace(/>.*$/, '') : ''];
    case 'subject': return [s.subject];
    case 'body': return [s.body];
    case 'text': return [`${s.subject}\n${s.body}`];
    case 'attachment': return [...s.attachments];
    case 'chat': return [s.chat ?? ''];
  }
}

export function ruleMatches(rule: TriageRule, s: RuleSubject): boolean {
  const values = fieldText(s, rule.field);
  const wanted = wordsOf(rule.text);
  return values.some((v) => {
    const text = norm(v);
    switch (rule.match) {
      case 'regex':
        return rule.regex!.test(v);
      case 'exact':
        // A sender, domain or attachment name equals it; a text holds it as a phrase.
        return rule.field === 'sender' || rule.field === 'domain' || rule.field === 'attachment'
          ? text === norm(rule.text) || (rule.field === 'domain' && text.endsWith(`.${norm(rule.text)}`)) || (rule.field === 'sender' && text.includes(`<${norm(rule.text)}>`))
          : text.includes(norm(rule.text));
      case 'any': {
        const ws = new Set(wordsOf(v));
        return wanted.some((w) => ws.has(w));
      }
      case 'all': {
        const ws = new Set(wordsOf(v));
        return wanted.every((w) => ws.has(w));
      }
      case 'fuzzy': {
        const ws = wordsOf(v);
        return wanted.every((w) => fuzzyHas(ws, w));
      }
    }
  });
}

/** The first rule that matches, or undefined. */
export function firstMatch(rules: readonly TriageRule[], s: RuleSubject): TriageRule | undefined {
  return rules.find((r) => ruleMatches(r, s));
}
