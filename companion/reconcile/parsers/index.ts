// One entry for the importer: a file's bytes, the format its sniff gave, and the owner's ERP profiles in;
// invoice documents out, or an InvoiceFormatError whose message names the file and the reason.
import { InvoiceFormatError, type InvoiceDoc } from '../types.ts';
import { decodeBytes, xmlEncoding } from './common.ts';
import { parseUbl } from './ubl.ts';
import { parseCii } from './cii.ts';
import { parseFacturX } from './facturx.ts';
import { parseCommerceMl } from './commerceml.ts';
import { parseCsvRegister, type ErpProfile } from './csv-register.ts';
import { sniffInvoice, type InvoiceSniff } from './sniff.ts';

export { invoiceKey } from './common.ts';
export { erpProfilesFromRules, type ErpProfile } from './csv-register.ts';
export { sniffInvoice, pdfShowsInvoice, type InvoiceFormat, type InvoiceSniff } from './sniff.ts';
export { fetchOData, type ODataOptions } from './odata.ts';
export { pdfTextPages } from './facturx.ts';

/** Parses a whole file of a sniffed format (`pdf` is tried as Factur-X). Without a format, sniffs the bytes first. */
export async function parseInvoiceFile(bytes: Uint8Array, name: string, profiles: readonly ErpProfile[] = [], format?: InvoiceSniff): Promise<InvoiceDoc[]> {
  const f = format ?? sniffInvoice(bytes.subarray(0, 65536), name, profiles);
  switch (f) {
    case 'ubl': return parseUbl(decodeBytes(bytes, xmlEncoding(bytes), name, 'ubl'), name);
    case 'cii': return parseCii(decodeBytes(bytes, xmlEncoding(bytes), name, 'cii'), name);
    case 'facturx': case 'pdf': return parseFacturX(bytes, name);
    case 'commerceml': return parseCommerceMl(bytes, name);
    case 'csv': return parseCsvRegister(bytes, name, profiles);
    case undefined: throw new InvoiceFormatError(`${name}: not an e-invoice, accounting export or invoice register this system reads`);
  }
}
