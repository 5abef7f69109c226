// The import folder: files dropped by hand or by a bank's export land here; each is taken once its
// size has been stable, given to the importer whose sniffer claims its content, then archived under
// `Archive/YYYY-MM/` or quarantined with an import report saying why.
import type { JobContext } from './job.ts';

/** Thrown by an importer for a file it recognised but cannot import: the message is the report's reason. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly detectedFormat?: string,
  ) {
    super(message);
  }
}

export interface ImportFile {
  /** Absolute path of the file as it sits in the import folder. */
  readonly absPath: string;
  /** Vault-relative path. */
  readonly path: string;
  /** Base name as dropped (untrusted). */
  readonly name: string;
  readonly size: number;
  /** The first bytes (up to 64 KiB), for sniffing. */
  readonly head: Buffer;
  /** SHA-256 of the whole file, hex. */
  readonly sha256: string;
}

export interface Importer {
  /** Format name shown in reports: `1c`, `camt.053`, `eml`, `telegram`. */
  readonly format: string;
  /**
   * Claims a file by its content (the extension is only a hint). Pure and fast. `settings`: the job
   * context's settings, for importers whose claim depends on the owner's rules (CSV profiles).
   */
  sniff(head: Buffer, name: string, settings?: JobContext['settings']): boolean;
  /** Imports the whole file. Throws ImportError with a clear reason to quarantine it. Must be idempotent. */
  import(file: ImportFile, ctx: JobContext): Promise<Record<string, number>>;
}
