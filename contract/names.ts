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
