// The reconciliation module: the `invoices` job takes e-invoices and accounting exports from the import
// folder (and the 1C feed, when one is set up) into invoice records; the `reconcile` job matches the
// bank against them after every statement, import and triage, and every morning.
import { readFileSync } from 'node:fs';
import { linkTo } from '../../contract/index.ts';
import { ImportError, type ImportFile, type Importer } from '../core/import-folder.ts';
import { archivedPath } from '../core/imports.ts';
import type { Job, JobContext } from '../core/job.ts';
import { catalogueFor } from '../core/i18n/index.ts';
import { erpProfilesFromRules, fetchOData, parseInvoiceFile, pdfShowsInvoice, sniffInvoice, type ErpProfile } from './parsers/index.ts';
import { placeDoc, ownOf } from './sources.ts';
import { existingRecords, groupFound, recordOf, writeRecords } from './store.ts';
import type { Found, RecordFm } from './records.ts';
import { InvoiceFormatError, type InvoiceDoc } from './types.ts';
import { reconcileRun } from './run.ts';

function profiles(settings: JobContext['settings'] | undefined): ErpProfile[] {
  if (!settings) return [];
  try {
    return erpProfilesFromRules(settings.rules('erp_profiles'));
  } catch {
    return [];
  }
}

/** Places documents and files them into records; what is not the business's is reported. */
async function fileDocs(ctx: JobContext, docs: readonly InvoiceDoc[], sourceKey: (d: InvoiceDoc, i: number) => string, evidence: string[]): Promise<{ found: number; refused: string[]; created: number; updated: number }> {
  const own = ownOf(ctx);
  const found: Found[] = [];
  const refused: string[] = [];
  docs.forEach((d, i) => {
    const f = placeDoc(ctx, d, own, sourceKey(d, i), evidence);
    if (typeof f === 'string') refused.push(f);
    else found.push(f);
  });
  const existing = existingRecords(ctx);
  const prev = new Map(existing.map((r) => [r.path, r.fm]));
  const next = new Map<string, RecordFm>();
  for (const g of groupFound(ctx, existing, found).values()) next.set(g.path, recordOf(g));
  const w = await writeRecords(ctx, catalogueFor(ctx), next, prev);
  return { found: found.length, refused, created: w.created, updated: w.updated };
}

const invoiceImporter: Importer = {
  format: 'invoice',
  sniff: (head, name, settings) => sniffInvoice(head, name, profiles(settings)) !== undefined,
  async import(file: ImportFile, ctx: JobContext): Promise<Record<string, number>> {
    const bytes = new Uint8Array(readFileSync(file.absPath));
    const format = sniffInvoice(file.head, file.name, profiles(ctx.settings));
    // A PDF is an invoice here only when it carries one as data (Factur-X); any other PDF is left alone.
    if (format === 'pdf' && !(await pdfShowsInvoice(bytes))) throw new ImportError(`${file.name}: a PDF with no invoice data attached (Factur-X/ZUGFeRD): nothing to read`, 'pdf');
    let docs: InvoiceDoc[];
    try {
      docs = await parseInvoiceFile(bytes, file.name, profiles(ctx.settings), format);
    } catch (e) {
      if (e instanceof InvoiceFormatError) throw new ImportError(e.message, e.format);
      throw e;
    }
    const where = linkTo(archivedPath(ctx, file.name));
    const r = await fileDocs(ctx, docs, (d, i) => `${d.source}:${file.sha256.slice(0, 16)}#${i + 1}`, [where]);
    if (r.found === 0 && r.refused.length) throw new ImportError(r.refused.join('; '));
    for (const reason of r.refused) ctx.log.warn({ file: file.name, reason }, 'document not the business\'s');
    return { invoices: r.found, created: r.created, updated: r.updated, refused: r.refused.length };
  },
};

export const invoicesJob: Job = {
  name: 'invoices',
  description: 'Takes e-invoices (UBL, CII, Factur-X), 1C CommerceML exports and invoice registers from the import folder, and the 1C OData feed when set up, into invoice records',
  stage: 'data',
  triggers: [{ kind: 'import' }, { kind: 'schedule', setting: 'schedule_reconcile' }],
  importers: [invoiceImporter],
  async run(ctx) {
    const imported = await ctx.importFiles([invoiceImporter]);
    let feed = '';
    const url = ctx.settings.string('erp_odata_url');
    if (url) {
      try {
        const since = ctx.settings.string('erp_odata_since');
        const docs = await fetchOData({ baseUrl: url, user: ctx.settings.string('erp_odata_user'), password: ctx.secrets.get('erp_odata_password') ?? '', signal: ctx.signal, ...(since ? { since } : {}) });
        const r = await fileDocs(ctx, docs, (d) => `odata:${d.sourceRef}`, []);
        ctx.reportHealth('1C OData', { ok: true, detail: `${docs.length} document(s)`, last_ok: ctx.clock.now().toISOString() });
        feed = `, feed: ${r.found} document(s) (${r.created} new record(s), ${r.updated} changed)`;
      } catch (e) {
        ctx.reportHealth('1C OData', { ok: false, detail: (e as Error).message });
        feed = `, feed failed: ${(e as Error).message}`;
      }
    }
    if (imported.imported + imported.quarantined === 0 && !url) return { status: 'skipped', summary: 'no invoice files waiting and no feed set up' };
    return { status: 'ok', summary: `${imported.imported} file(s) imported, ${imported.quarantined} quarantined${feed}`, counts: { ...imported.counts, files: imported.imported, quarantined: imported.quarantined } };
  },
};

export const reconcileJob: Job = {
  name: 'reconcile',
  description: 'Matches bank rows against invoice records, asks about doubtful matches, checks contract schedules and acts of reconciliation, writes the reports and balances',
  stage: 'passes',
  triggers: [
    { kind: 'after', job: 'statements' },
    { kind: 'after', job: 'invoices' },
    { kind: 'after', job: 'triage' },
    { kind: 'notes', kinds: ['invoice', 'contract', 'counterparty', 'exchange_rates', 'rules'], by: 'owner' },
    { kind: 'answered', decisionKinds: ['match_review', 'missed_payment'] },
    { kind: 'schedule', setting: 'schedule_reconcile' },
  ],
  run: reconcileRun,
};
