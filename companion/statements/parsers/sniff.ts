// Which statement format a file is, from its first bytes (the extension is only a hint).
import type { StatementFormat } from '../model.ts';

export type SniffedFormat = '1c' | 'camt' | 'ofx' | 'mt940' | 'csv';

export function sniffStatement(head: Uint8Array): SniffedFormat | undefined {
  if (head.length === 0) return undefined;
  const latin = new TextDecoder('latin1').decode(head.subarray(0, 8192));
  const text = latin.replace(/^\u00ef\u00bb\u00bf/, '');
  if (text.trimStart().startsWith('1CClientBankExchange')) return '1c';
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.05\d/.test(text)) return 'camt';
  if (/^\s*(OFXHEADER\s*:|<\?xml[^>]*\?>\s*<\?OFX)/i.test(text) || /^\s*<OFX>/i.test(text)) return 'ofx';
  if (/(^|\n)\s*:20:/.test(text) && /(^|\n):(25|60[FM]|61|62[FM]):/.test(text)) return 'mt940';
  if (/\{1:F01/.test(text) && /:20:/.test(text)) return 'mt940';
  if (looksLikeCsv(head)) return 'csv';
  return undefined;
}

/** Text without NUL bytes whose lines share a delimiter count: a table, whichever bank wrote it. */
function looksLikeCsv(head: Uint8Array): boolean {
  for (const b of head.subarray(0, 4096)) if (b === 0) return false;
  const lines = new TextDecoder('latin1').decode(head.subarray(0, 16384)).split(/\r?\n/).filter((l) => l.trim()).slice(0, 20);
  if (lines.length < 2) return false;
  for (const d of [';', ',', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const top = counts.filter((c) => c >= 2);
    if (top.length >= 2 && top.filter((c) => c === top[top.length - 1]).length >= Math.min(2, top.length)) return true;
  }
  return false;
}

export const FORMAT_LABEL: Record<SniffedFormat, StatementFormat | 'camt'> = { '1c': '1c', camt: 'camt', ofx: 'ofx', mt940: 'mt940', csv: 'csv' };
