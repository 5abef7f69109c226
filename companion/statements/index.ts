// The statements module: importers for every statement format, and the job that takes waiting
// statement files from the import folder, merges them into the ledgers and recomputes the cash position.
import { ImportError, type ImportFile, type Importer } from '../core/import-folder.ts';
import type { Job, JobContext } from '../core/job.ts';
import { StatementError, fileChunks, type ParsedStatement } from './model.ts';
import { parseOneC } from './parsers/onec.ts';
import { parseCamt } from './parsers/camt.ts';
import { parseMt940 } from './parsers/mt940.ts';
import { parseOfx } from './parsers/ofx.ts';
import { parseCsv, profilesFromRules, type CsvProfile } from './parsers/csv.ts';
import { sniffStatement, type SniffedFormat, type SniffOptions } from './parsers/sniff.ts';
import { erpProfilesFromRules, matchRegisterHeader } from '../reconcile/parsers/csv-register.ts';
import { mergeStatements, openState, relinkLedgers } from './merge.ts';
import { recomputeCash } from './position.ts';
import { withdrawnHashes } from './decisions.ts';

function ownerProfiles(ctx: JobContext): CsvProfile[] {
  try {
    return profilesFromRules(ctx.settings.rules('csv_profiles'));
  } catch (e) {
    throw new ImportError(`the "CSV profiles" rules note: ${(e as Error).message}`, 'csv');
  }
}

/** Parses a file of a known format; a StatementError becomes the quarantine reason. */
export function parseStatementFile(format: SniffedFormat, absPath: string, name: string, profiles: readonly CsvProfile[] = []): ParsedStatement[] {
  const chunks = fileChunks(absPath);
  switch (format) {
    case '1c': return parseOneC(chunks, name);
    case 'camt': return parseCamt(chunks, name);
    case 'ofx': return parseOfx(chunks, name);
    case 'mt940': return parseMt940(chunks, name);
    case 'csv': return parseCsv(chunks, name, profiles);
  }
}

/**
 * What the CSV sniff needs: the owner's bank profiles (or, when their note cannot be read, any table, so the
 * import says why), and the owner's ERP profiles, whose registers are never statements.
 */
function csvSniffOptions(settings: JobContext['settings'] | undefined): SniffOptions {
  if (!settings) return {};
  const opts: SniffOptions = {};
  try {
    const erp = erpProfilesFromRules(settings.rules('erp_profiles'));
    if (erp.length) opts.notStatement = (head) => matchRegisterHeader(head, erp) !== undefined;
  } catch {
    // A broken ERP profiles note is reported by the invoice import; it takes nothing from the statements.
  }
  try {
    opts.csvProfiles = profilesFromRules(settings.rules('csv_profiles'));
  } catch {
    opts.anyCsv = true;
  }
  return opts;
}

function importerFor(format: SniffedFormat, label: string): Importer {
  return {
    format: label,
    // A CSV is claimed only when it is a bank statement by its header (parsers/sniff.ts says how), never an ERP register.
    sniff: (head, _name, settings) => sniffStatement(head, format === 'csv' ? csvSniffOptions(settings) : {}) === format,
    async import(file: ImportFile, ctx: JobContext) {
      if (withdrawnHashes(ctx).has(file.sha256)) {
        throw new ImportError('you withdrew this statement earlier (its balances did not add up), so it is not imported again; drop a corrected statement instead', label);
      }
      let parsed: ParsedStatement[];
      try {
        parsed = parseStatementFile(format, file.absPath, file.name, format === 'csv' ? ownerProfiles(ctx) : []);
      } catch (e) {
        if (e instanceof StatementError) throw new ImportError(e.message, e.format ?? label);
        throw e;
      }
      const state = openState(ctx);
      const counts = await mergeStatements(ctx, parsed, { name: file.name, sha256: file.sha256 }, state);
      // The cash position follows every statement.
      recomputeCash(ctx, state);
      return { ...counts };
    },
  };
}

export const statementImporters: readonly Importer[] = [
  importerFor('1c', '1c'),
  importerFor('camt', 'camt'),
  importerFor('ofx', 'ofx'),
  importerFor('mt940', 'mt940'),
  importerFor('csv', 'csv'),
];

export const statementsJob: Job = {
  name: 'statements',
  stage: 'data',
  description: 'Imports bank statements (1C, CAMT.053/.052, MT940, OFX, CSV) into the monthly ledgers and recomputes the cash position.',
  // A new counterparty note links the ledger rows it matches without a re-import.
  triggers: [{ kind: 'import' }, { kind: 'notes', kinds: ['counterparty'] }],
  importers: statementImporters,
  async run(ctx) {
    const summary = await ctx.importFiles(statementImporters);
    const linked = relinkLedgers(ctx);
    if (summary.imported === 0 && summary.quarantined === 0) {
      return linked ? { status: 'ok', summary: `${linked} ledger row(s) linked to counterparties`, counts: { linked } } : { status: 'skipped', summary: 'no statements waiting' };
    }
    const c = summary.counts;
    return {
      status: summary.imported > 0 ? 'ok' : 'failed',
      summary: `${summary.imported} statement file(s) imported, ${c.new ?? 0} new transactions, ${c.duplicates ?? 0} duplicates skipped` +
        `${c.mismatches ? `, ${c.mismatches} balance mismatch(es) raised` : ''}${c.doubts ? `, ${c.doubts} possible duplicate(s) asked` : ''}` +
        `${summary.quarantined ? `, ${summary.quarantined} quarantined` : ''}${linked ? `, ${linked} ledger row(s) linked` : ''}`,
      counts: { imported: summary.imported, quarantined: summary.quarantined, linked, ...c },
    };
  },
};
