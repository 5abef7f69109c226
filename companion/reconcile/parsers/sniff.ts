// Which accounting feed a file is, from its first bytes (the name is only a hint): the XML root and its
// namespace (UBL, CII, CommerceML), a PDF that shows an embedded invoice, or a CSV whose header has the
// columns of one of the owner's ERP profiles.
import { matchRegisterHeader, type ErpProfile } from './csv-register.ts';
import { xmlEncoding } from './common.ts';

export type InvoiceFormat = 'ubl' | 'cii' | 'facturx' | 'commerceml' | 'csv';
/**
 * `pdf`: a PDF whose first bytes do not show whether it embeds an invoice (the catalog and the attached
 * file often sit at the end of the file). `pdfShowsInvoice` on the whole file decides, or the Factur-X
 * parser refuses it with its reason.
 */
export type InvoiceSniff = InvoiceFormat | 'pdf';

const UBL_NS = /^urn:oasis:names:specification:ubl:schema:xsd:(Invoice|CreditNote)-2$/;
const CII_NS = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
const ZF1_NS = 'urn:ferd:CrossIndustryDocument:invoice:1p0';

/** The invoice syntax of an XML document by its root element and namespace; an SBDH envelope around a UBL invoice counts. */
export function sniffXmlRoot(head: Uint8Array): 'ubl' | 'cii' | 'commerceml' | undefined {
  let text: string;
  try {
    text = new TextDecoder(xmlEncoding(head)).decode(head.subarray(0, 65536));
  } catch {
    return undefined;
  }
  text = text.replace(/^\ufeff/, '');
  // Skip the declaration, processing instructions, comments and a doctype to the first element.
  const prolog = /^\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)\s*)*/.exec(text);
  const rest = text.slice(prolog ? prolog[0].length : 0);
  const tag = /^<([^\s/>!?]+)([^>]*)>?/.exec(rest);
  if (!tag) return undefined;
  const qname = tag[1]!;
  const prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '';
  const local = qname.slice(prefix ? prefix.length + 1 : 0);
  const nsAttr = new RegExp(`\\sxmlns${prefix ? `:${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(tag[2] ?? '');
  const ns = nsAttr?.[1] ?? '';
  if (local === 'КоммерческаяИнформация') return 'commerceml';
  if ((local === 'Invoice' || local === 'CreditNote') && UBL_NS.test(ns) && ns.includes(local)) return 'ubl';
  if ((local === 'CrossIndustryInvoice' && ns === CII_NS) || (local === 'CrossIndustryDocument' && ns === ZF1_NS)) return 'cii';
  if (local === 'StandardBusinessDocument' && /urn:oasis:names:specification:ubl:schema:xsd:(Invoice|CreditNote)-2/.test(rest)) return 'ubl';
  return undefined;
}

// What an invoice PDF shows in its bytes: the embedded file's name, the XMP extension schemas of Factur-X,
// ZUGFeRD and XRechnung, an embedded file stream or its relationship key (streams are never inside object streams).
const PDF_INVOICE_MARK = /factur-x\.xml|zugferd-invoice\.xml|xrechnung\.xml|urn:factur-x|urn:zugferd|urn:ferd:pdfa|\/EmbeddedFile\b|\/AFRelationship/i;

/** Whether these PDF bytes (the head or the whole file) show an embedded invoice. */
export function pdfShowsInvoice(bytes: Uint8Array): boolean {
  // In pieces, overlapping, so a long file is never one string.
  const piece = 1 << 20;
  for (let i = 0; i < bytes.length; i += piece - 64) {
    if (PDF_INVOICE_MARK.test(new TextDecoder('latin1').decode(bytes.subarray(i, i + piece)))) return true;
  }
  return false;
}

/**
 * Claims a file for the invoice importers by content. `profiles`: the owner's ERP profiles (a CSV is
 * claimed only when its header has one's columns).
 */
export function sniffInvoice(head: Uint8Array, _name: string, profiles: readonly ErpProfile[] = []): InvoiceSniff | undefined {
  if (head.length === 0) return undefined;
  const start = new TextDecoder('latin1').decode(head.subarray(0, 1024));
  if (start.includes('%PDF-')) return pdfShowsInvoice(head) ? 'facturx' : 'pdf';
  if (/^(\ufeff|\u00ef\u00bb\u00bf|\u00ff\u00fe|\u00fe\u00ff)?\s*</.test(start)) return sniffXmlRoot(head);
  if (matchRegisterHeader(head, profiles)) return 'csv';
  return undefined;
}
