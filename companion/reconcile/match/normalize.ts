// Keys the matcher compares and indexes by: document numbers (case, separators and Cyrillic look-alikes
// aside), their typo variants, and counterparty names (legal forms, quotes, word order, script aside). Pure.

// Cyrillic letters that look like Latin ones: "14-А" typed in Cyrillic and "14-A" in Latin are one number.
const LOOKALIKE: Record<string, string> = { А: 'A', В: 'B', Е: 'E', Ё: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y' };

const LOOKALIKE_RE = /[АВЕЁКМНОРСТХУ]/g;
const NOT_KEY_RE = /[^\p{L}\d]+/gu;

/** A document number as a key: upper case, look-alikes folded, only letters and digits: `INV-2026/0412` → `INV20260412`. */
export function refKey(number: string): string {
  return number.toUpperCase().replace(NOT_KEY_RE, '').replace(LOOKALIKE_RE, (c) => LOOKALIKE[c]!);
}

/** The digits of a number without leading zeros (`KP-2026-031` → `2026031`); empty when it has fewer than 3. */
export function digitsKey(number: string): string {
  const d = number.replace(/\D/g, '').replace(/^0+/, '');
  return d.length >= 3 ? d : '';
}

/** The running part of a number of several groups, without leading zeros: `INV-2026-0412` → `412`, `112/2026` → `112`. */
export function tailKey(number: string): string {
  const groups = number.match(/\d+/g);
  if (!groups || groups.length < 2) return '';
  // "112/2026": the year closes the number, the group before it is the running one.
  let last = groups[groups.length - 1]!;
  if (/^(?:19|20)\d\d$/.test(last) && groups.length >= 2 && !/^(?:19|20)\d\d$/.test(groups[groups.length - 2]!)) last = groups[groups.length - 2]!;
  const t = last.replace(/^0+/, '');
  return t.length >= 2 ? t : '';
}

/** Every string one deletion away: with the same of the other side, finds a digit dropped, added, changed or two swapped. */
export function deletions(key: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < key.length; i++) out.add(key.slice(0, i) + key.slice(i + 1));
  return [...out];
}

/** Whether two keys are one edit apart (a digit dropped, added or changed, or two neighbours swapped). */
export function oneTypoApart(a: string, b: string): boolean {
  if (a.length === b.length) {
    // Compared in place: this runs for every candidate a cited number is checked against.
    let first = -1, second = -1;
    for (let i = 0; i < a.length; i++) {
      if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
      if (first < 0) first = i;
      else if (second < 0) second = i;
      else return false;
    }
    if (first < 0) return false;
    return second < 0 || (second === first + 1 && a[first] === b[second] && a[second] === b[first]);
  }
  return a.length < b.length ? droppedFrom(a, b) : droppedFrom(b, a);
}

/** Whether `short` is `long` with one character dropped. */
function droppedFrom(short: string, long: string): boolean {
  if (short.length !== long.length - 1) return false;
  let i = 0;
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++;
  for (; i < short.length; i++) if (short.charCodeAt(i) !== long.charCodeAt(i + 1)) return false;
  return true;
}

/** Whether `cited` is `actual` with one character dropped or two neighbours swapped (the usual slips in typing a number). */
export function slipOf(cited: string, actual: string): boolean {
  if (cited.length === actual.length - 1) return droppedFrom(cited, actual);
  if (cited.length !== actual.length || cited === actual) return false;
  let i = 0;
  while (cited[i] === actual[i]) i++;
  return cited[i] === actual[i + 1] && cited[i + 1] === actual[i] && cited.slice(i + 2) === actual.slice(i + 2);
}

// ---- names ----

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sh', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  ä: 'a', ö: 'o', ü: 'u', ß: 'ss', é: 'e', è: 'e', á: 'a', ó: 'o', ł: 'l', ń: 'n', ś: 's', ż: 'z', ź: 'z', ą: 'a', ę: 'e', ć: 'c',
};

/** Legal forms and the words around them, in both scripts (after transliteration): not part of a name. */
const LEGAL = new Set([
  'ooo', 'oao', 'zao', 'pao', 'ao', 'ip', 'nko', 'ano', 'fgup', 'mup', 'gup', 'tov', 'obshestvo', 's', 'ogranichennoi', 'otvetstvennostiu', 'aktsionernoe', 'akcionernoe',
  'publichnoe', 'zakrytoe', 'otkrytoe', 'individualnyi', 'predprinimatel', 'llc', 'ltd', 'limited', 'gmbh', 'ag', 'kg', 'inc', 'corp', 'corporation', 'co', 'company',
  'plc', 'llp', 'bv', 'nv', 'sa', 'sarl', 'srl', 'spa', 'sp', 'z', 'o', 'oy', 'ab', 'as', 'aps', 'ug', 'eg', 'ev', 'the', 'and', 'und', 'i', 'haftungsbeschrankt',
]);

/** A name folded to what survives transliteration both ways: `ООО "Хлебозавод"` and `KHLEBOZAVOD LLC` give the same words. */
export function nameWords(name: string): string[] {
  let s = '';
  for (const ch of name.toLowerCase()) s += TRANSLIT[ch] ?? ch;
  s = s.replace(/[^a-z0-9]+/g, ' ');
  const words: string[] = [];
  for (const w of s.split(' ')) {
    if (!w || LEGAL.has(w)) continue;
    words.push(fold(w));
  }
  return words;
}

/** Spelling differences of transliteration: kh/h, ts/c, ya/ia/ja, y/j/i, w/v, double letters. */
function fold(w: string): string {
  return w
    .replace(/kh/g, 'h')
    .replace(/ts|tz/g, 'c')
    .replace(/[yj]/g, 'i')
    .replace(/w/g, 'v')
    .replace(/ck/g, 'k')
    .replace(/(.)\1+/g, '$1');
}

/** The whole name as one key (word order aside), or '' when nothing but legal forms is left. */
export function nameKey(name: string | undefined): string {
  if (!name) return '';
  return nameWords(name).sort().join(' ');
}

/** Name keys and significant words (four letters or more), worked out once per distinct name. */
export class Names {
  private readonly seen = new Map<string, { key: string; words: Set<string> }>();
  of(name: string | undefined): { key: string; words: Set<string> } {
    const n = name ?? '';
    let v = this.seen.get(n);
    if (!v) {
      const words = nameWords(n);
      v = { key: [...words].sort().join(' '), words: new Set(words.filter((w) => w.length >= 4)) };
      this.seen.set(n, v);
    }
    return v;
  }
}

/** Tax ids and accounts: spaces and dots removed, upper case. */
export function idKey(id: string | undefined): string {
  return (id ?? '').replace(/[\s.\-]/g, '').toUpperCase();
}
