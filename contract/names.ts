// File-name rules. Names from outside (mail subjects, attachment names, chat titles) are untrusted:
// they must never leave their folder, hide themselves, or break a wikilink.

const FORBIDDEN = /[\\/:*?"<>|#^[\]\u0000-\u001f\u007f]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** A safe single path segment: no separators, no `..`, no leading dot, no link syntax, bounded length. */
export function safeFileName(raw: string, maxLength = 80): string {
  let s = raw.normalize('NFC').replace(FORBIDDEN, ' ').replace(/\.{2,}/g, ' ').replace(/\s+/g, ' ').trim();
  s = s.replace(/^[.\s-]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  if (s.length > maxLength) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(s)?.[0] ?? '';
    s = s.slice(0, maxLength - ext.length).trimEnd() + ext;
  }
  return s || 'untitled';
}

/**
 * Files Obsidian or the companion would read as notes or views: a file from outside (a mail attachment,
 * a file quarantined from the import folder) never may be one, so these get `.txt` added and stay text.
 */
const NOTE_EXTENSIONS = /\.(md|markdown|canvas|base)$/i;

export function inertName(name: string): string {
  return NOTE_EXTENSIONS.test(name) ? `${name}.txt` : name;
}

/** Short stable hex digest of a string (FNV-1a, 32 bits): unique suffixes for file names, not security. */
export function shortHash(text: string, length = 8): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  const hex = (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
  return hex.slice(0, length);
}

/** Joins vault-relative folder and name with `/`, dropping empty parts. */
export function joinVaultPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

// Legal forms that say nothing about which firm it is: "ООО «Бумага Опт»", "Bumaga Opt LLC" and
// "bumaga opt" are one counterparty. Longest forms first, so the full Russian ones go before their parts.
const LEGAL_FORMS = [
  'общество с ограниченной ответственностью', 'публичное акционерное общество', 'закрытое акционерное общество',
  'открытое акционерное общество', 'акционерное общество', 'индивидуальный предприниматель',
  'ооо', 'ао', 'зао', 'оао', 'пао', 'нко', 'ип', 'тоо',
  'llc', 'l.l.c', 'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'plc', 'llp', 'lp',
  'gmbh & co. kg', 'gmbh & co kg', 'gmbh', 'ag', 'kg', 'ohg', 'ug', 'e.k', 'se', 'sa', 's.a', 'sarl', 's.a.r.l', 'bv', 'b.v', 'nv', 'oy', 'ab', 'as', 'srl', 'spa', 'sp. z o.o', 'sp z oo',
];
const FORM_RE = new RegExp(`(^|[\\s,])(${LEGAL_FORMS.map((f) => f.replace(/\./g, '\\.')).join('|')})\\.?(?=[\\s,]|$)`, 'gu');

/** A firm's name reduced to what identifies it: no legal form, quotes or punctuation, lower case, single spaces. */
export function normaliseCompanyName(raw: string): string {
  let s = raw.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
  s = s.replace(/[«»"'“”„‘’`()]/g, ' ').replace(/\s+/g, ' ').trim();
  // Twice: "ООО ИП" and "GmbH & Co. KG" leave a second form once the first is gone.
  for (let i = 0; i < 2; i++) s = s.replace(FORM_RE, '$1').replace(/\s+/g, ' ').trim();
  return s.replace(/^[\s,.-]+|[\s,.-]+$/g, '').replace(/\s*,\s*/g, ' ').trim();
}
