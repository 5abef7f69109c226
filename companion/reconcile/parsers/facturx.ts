// Factur-X / ZUGFeRD / XRechnung PDFs: a PDF/A-3 with the invoice XML embedded as an attached file.
// pdfjs-dist reads the embedded files (the catalog's EmbeddedFiles name tree) without rendering; the
// XML is then read by cii.ts (or ubl.ts for a UBL XRechnung). A PDF with no embedded invoice is
// refused naming what it does embed. pdfTextPages gives a PDF's text layer page by page, for
// documents that only exist as printed text (a counterparty's act of reconciliation).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { InvoiceFormatError, type InvoiceDoc } from '../types.ts';
import { decodeBytes, xmlEncoding } from './common.ts';
import { parseCii } from './cii.ts';
import { parseUbl } from './ubl.ts';
import { sniffXmlRoot } from './sniff.ts';

const FORMAT = 'facturx';

/** The names the standards give the embedded XML, best first (compared without case). */
export const EMBEDDED_INVOICE_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'] as const;

interface Attachment { filename?: string; content?: Uint8Array }

// Character maps and standard font data ship with pdfjs-dist: found beside its package.json, read from disk.
const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;

/**
 * pdfjs-dist, loaded the first time a PDF is opened (not when this module is): its minified Node build,
 * which loads several times faster under tsx, with its worker run in this thread (`globalThis.pdfjsWorker`
 * is how pdfjs is told the worker code is already here).
 */
/** How every PDF from outside is opened: no script, no system fonts, no fetching; pdfjs's own maps and fonts from disk. */
export function pdfParams(bytes: Uint8Array) {
  return {
    // A copy: pdfjs may take ownership of the buffer it is given.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
  };
}

export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const file = (name: string) => pathToFileURL(join(PDFJS_DIR, 'legacy', 'build', name)).href;
    const holder = globalThis as { pdfjsWorker?: unknown };
    holder.pdfjsWorker ??= await import(file('pdf.worker.min.mjs'));
    return (await import(file('pdf.min.mjs'))) as PdfJs;
  })();
  return pdfjs;
}

async function openPdf(bytes: Uint8Array, ref: string): Promise<PDFDocumentProxy> {
  if (!isPdf(bytes)) throw new InvoiceFormatError(`${ref}: not a PDF (no %PDF- header)`, FORMAT);
  const { getDocument } = await loadPdfJs();
  try {
    return await getDocument(pdfParams(bytes)).promise;
  } catch (e) {
    const err = e as Error;
    if (err.name === 'PasswordException') throw new InvoiceFormatError(`${ref}: the PDF is protected by a password`, FORMAT);
    throw new InvoiceFormatError(`${ref}: not a readable PDF: ${err.message}`, FORMAT);
  }
}

/** Whether the bytes start like a PDF (the header may follow a little junk, as readers allow). */
export function isPdf(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-');
}

/** The embedded files of a PDF by name. */
export async function pdfAttachments(bytes: Uint8Array, ref: string): Promise<Map<string, Uint8Array>> {
  const doc = await openPdf(bytes, ref);
  try {
    const raw = (await doc.getAttachments()) as Record<string, Attachment> | null;
    const out = new Map<string, Uint8Array>();
    for (const [key, a] of Object.entries(raw ?? {})) if (a.content) out.set(a.filename ?? key, a.content);
    return out;
  } finally {
    await doc.destroy();
  }
}

/**
 * The invoice embedded in a Factur-X / ZUGFeRD / XRechnung PDF. The standard names come first; another
 * embedded `.xml` counts when its root is an invoice. An embedded Order-X order is refused (an order is
 * not an invoice), as is a PDF without any invoice XML.
 */
export async function parseFacturX(bytes: Uint8Array, ref: string): Promise<InvoiceDoc[]> {
  const files = await pdfAttachments(bytes, ref);
  const byName = [...files.entries()];
  const rank = (name: string) => {
    const i = (EMBEDDED_INVOICE_NAMES as readonly string[]).indexOf(name.toLowerCase());
    return i < 0 ? EMBEDDED_INVOICE_NAMES.length : i;
  };
  const xmls = byName.filter(([n]) => /\.xml$/i.test(n)).sort((a, b) => rank(a[0]) - rank(b[0]));
  const seen: string[] = [];
  for (const [name, content] of xmls) {
    const kind = sniffXmlRoot(content);
    seen.push(`${name}${kind ? ` (${kind})` : ''}`);
    if (kind === 'ubl' || kind === 'cii') {
      const inner = `${ref} (embedded ${name})`;
      const texts = decodeBytes(content, xmlEncoding(content), inner, FORMAT);
      const docs = kind === 'cii' ? parseCii(texts, inner, 'facturx') : parseUbl(texts, inner);
      return docs.map((d) => ({ ...d, source: 'facturx', sourceRef: ref }));
    }
  }
  if (byName.some(([n]) => n.toLowerCase() === 'order-x.xml')) {
    throw new InvoiceFormatError(`${ref}: the PDF embeds an Order-X order (order-x.xml): an order is not an invoice`, FORMAT);
  }
  const list = byName.length ? byName.map(([n]) => (seen.find((s) => s.startsWith(n)) ?? n)).join(', ') : 'none';
  throw new InvoiceFormatError(`${ref}: a PDF without an embedded e-invoice (looked for ${EMBEDDED_INVOICE_NAMES.join(', ')} or another invoice XML); embedded files: ${list}`, FORMAT);
}

interface PositionedText { str: string; x: number; y: number; width: number; size: number }

/**
 * The text layer of each page, top to bottom: one line per baseline, the pieces of a line left to right,
 * a tab where a wide gap separates them (table cells stay apart). A scanned page without a text layer
 * gives an empty string.
 */
export async function pdfTextPages(bytes: Uint8Array, ref: string): Promise<string[]> {
  const doc = await openPdf(bytes, ref);
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: PositionedText[] = [];
      for (const it of content.items) {
        if (!('str' in it) || it.str.trim() === '') continue;
        const t = it.transform as number[];
        items.push({ str: it.str, x: t[4]!, y: t[5]!, width: it.width, size: Math.max(1, Math.abs(t[3]!) || it.height || 10) });
      }
      pages.push(layoutLines(items).join('\n'));
      page.cleanup();
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Groups positioned pieces into lines by baseline (within half a font size) and joins each line's pieces. */
export function layoutLines(items: readonly PositionedText[]): string[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: PositionedText[][] = [];
  for (const it of sorted) {
    const line = lines.find((l) => Math.abs(l[0]!.y - it.y) <= Math.min(l[0]!.size, it.size) / 2);
    if (line) line.push(it);
    else lines.push([it]);
  }
  lines.sort((a, b) => b[0]!.y - a[0]!.y);
  return lines.map((l) => {
    l.sort((a, b) => a.x - b.x);
    let out = '';
    let end = -Infinity;
    for (const it of l) {
      const gap = it.x - end;
      if (out !== '') out += gap > it.size * 1.5 ? '\t' : gap > it.size * 0.15 && !out.endsWith(' ') && !it.str.startsWith(' ') ? ' ' : '';
      out += it.str;
      end = it.x + it.width;
    }
    return out.replace(/[ ]{2,}/g, ' ').trimEnd();
  });
}
