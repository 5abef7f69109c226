// Takes files from the import folder: waits until a file's size is stable, offers its first bytes to
// the importers, archives what imported and quarantines what failed, with a report saying why.
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import type { Frontmatter } from '../../contract/index.ts';
import { inertName, safeFileName } from '../../contract/index.ts';
import { ImportError, type ImportFile, type Importer } from './import-folder.ts';
import type { ImportSummary, Job, JobContext } from './job.ts';

const HEAD_BYTES = 64 * 1024;

export function readHead(abs: string): Buffer {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

async function sha256File(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Waits until the file has kept its size (and modification time) for `stableMs`. A file last changed
 * longer ago than that is taken at once. Returns false when it vanished or the signal aborted.
 */
export async function waitUntilStable(abs: string, stableMs: number, signal?: AbortSignal, now: () => number = Date.now): Promise<boolean> {
  let last = statSync(abs, { throwIfNoEntry: false });
  if (!last) return false;
  let since = Math.max(last.mtimeMs, last.ctimeMs);
  while (now() - since < stableMs) {
    if (signal?.aborted) return false;
    await sleep(Math.min(250, stableMs), signal);
    const cur = statSync(abs, { throwIfNoEntry: false });
    if (!cur) return false;
    if (cur.size !== last.size || cur.mtimeMs !== last.mtimeMs) since = now();
    last = cur;
  }
  return true;
}

/** Files waiting at the top of the import folder (its sub-folders are the archive and quarantine). */
export function waitingFiles(ctx: Pick<JobContext, 'vault' | 'settings'>): string[] {
  return ctx.vault.list(ctx.settings.string('import_folder'));
}

export function claimingImporter(head: Buffer, name: string, importers: readonly Importer[], settings?: JobContext['settings']): Importer | undefined {
  return importers.find((imp) => imp.sniff(head, name, settings));
}

export async function importFiles(ctx: JobContext, importers: readonly Importer[]): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, quarantined: 0, counts: {} };
  const stableMs = ctx.settings.number('import_stable_seconds') * 1000;
  for (const rel of waitingFiles(ctx)) {
    if (ctx.signal.aborted) break;
    const abs = ctx.vault.abs(rel);
    if (!(await waitUntilStable(abs, stableMs, ctx.signal))) continue;
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    const head = readHead(abs);
    const importer = claimingImporter(head, name, importers, ctx.settings);
    if (!importer) continue;
    const file: ImportFile = { absPath: abs, path: rel, name, size: statSync(abs).size, head, sha256: await sha256File(abs) };
    try {
      const counts = await importer.import(file, ctx);
      for (const [k, v] of Object.entries(counts)) summary.counts[k] = (summary.counts[k] ?? 0) + v;
      archive(ctx, rel, name);
      summary.imported++;
      ctx.log.info({ file: rel, format: importer.format, counts }, 'imported');
    } catch (e) {
      const reason = e instanceof ImportError ? e.message : `internal error while importing (${(e as Error).message}); the file is kept unchanged`;
      quarantine(ctx, rel, name, reason, (e as ImportError).detectedFormat ?? importer.format);
      summary.quarantined++;
      ctx.log.warn({ file: rel, format: importer.format, reason, stack: e instanceof ImportError ? undefined : (e as Error).stack }, 'quarantined');
    }
  }
  return summary;
}

/** Where an imported file is archived: what a note made from it links to as its evidence. */
export function archivedPath(ctx: Pick<JobContext, 'settings' | 'clock'>, name: string): string {
  return `${ctx.settings.string('import_folder')}/Archive/${ctx.clock.localDate().slice(0, 7)}/${safeFileName(name, 120)}`;
}

function archive(ctx: JobContext, rel: string, name: string): void {
  ctx.vault.moveFile(rel, archivedPath(ctx, name));
}

/** Moves a file to quarantine and writes the import report beside it. */
export function quarantine(ctx: Pick<JobContext, 'vault' | 'settings' | 'clock'>, rel: string, name: string, reason: string, detectedFormat?: string): string {
  const folder = ctx.vault.folder('import_report');
  // Kept as it arrived, but never as a note: a dropped "report" must not pose as one.
  const moved = ctx.vault.moveFile(rel, `${folder}/${inertName(safeFileName(name, 116))}`);
  const fileName = moved.slice(moved.lastIndexOf('/') + 1);
  const fm: Frontmatter<'import_report'> = {
    file: fileName,
    original_name: name,
    reason,
    detected_format: detectedFormat,
    created: ctx.clock.localDateTime(),
    status: 'open',
  };
  const body = [
    `# Not imported: ${fileName}`,
    '',
    `**Why:** ${reason}`,
    '',
    `The file is kept as it arrived, beside this report: [[${moved}]]. Fix it (or add a CSV profile in the rules), then move it back into the import folder to try again.`,
    '',
  ].join('\n');
  ctx.vault.writeCompanionNote('import_report', fm, body);
  return moved;
}

/** The core's own job: quarantines what no importer claims, after the importers ran. */
export function importSweepJob(importers: readonly Importer[]): Job {
  return {
    name: 'import',
    stage: 'data',
    description: 'Quarantines files in the import folder that no importer recognises.',
    triggers: [],
    run: async (ctx) => {
      const n = await quarantineUnclaimed(ctx, importers);
      return n > 0 ? { status: 'ok', summary: `${n} unrecognised file(s) quarantined`, counts: { quarantined: n } } : { status: 'skipped', summary: 'no unrecognised files' };
    },
  };
}

/** Quarantines the waiting files that no importer claims. */
export async function quarantineUnclaimed(ctx: JobContext, importers: readonly Importer[]): Promise<number> {
  let n = 0;
  const stableMs = ctx.settings.number('import_stable_seconds') * 1000;
  for (const rel of waitingFiles(ctx)) {
    const abs = ctx.vault.abs(rel);
    if (!(await waitUntilStable(abs, stableMs, ctx.signal))) continue;
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (claimingImporter(readHead(abs), name, importers, ctx.settings)) continue;
    quarantine(ctx, rel, name, 'no importer recognises this file: not a supported bank statement, mail or chat export format');
    n++;
  }
  return n;
}

