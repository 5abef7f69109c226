// Huge notes for the scale test and benchmark, written in 1 MB batches without holding them in memory.
import { closeSync, openSync, writeSync } from 'node:fs';

export const MB = 1024 * 1024;

/** Writes `head`, then `line` repeated until the file is `bytes` long, without holding it in memory. */
export function writeBig(path: string, head: string, line: (i: number) => string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    let size = Buffer.byteLength(head);
    let batch: string[] = [];
    let batchBytes = 0;
    for (let i = 0; size < bytes; i++) {
      const l = line(i);
      batch.push(l);
      batchBytes += Buffer.byteLength(l);
      size += Buffer.byteLength(l);
      if (batchBytes > MB) {
        writeSync(fd, batch.join(''));
        batch = [];
        batchBytes = 0;
      }
    }
    writeSync(fd, batch.join(''));
  } finally {
    closeSync(fd);
  }
}

/** The 30 MB note: a counterparty whose front matter never closes (a pasted block of notes, no `---` after it). */
export function writeUnclosedCounterparty(path: string, kindAfterBytes = 0): void {
  const filler = kindAfterBytes ? `history: |\n${'  payment history line, nothing to see here\n'.repeat(Math.ceil(kindAfterBytes / 44))}` : '';
  writeBig(path, `---\n${filler}aios_kind: counterparty\nname: Huge Supplier\ntax_id: "7799999999"\nnotes: |\n`, (i) => `  line ${i}: delivery notes pasted from the old system, never closed\n`, 30 * MB);
}

/** The 10 MB note: the owner pasted a call transcript under a `---` line; separators of dashes, but none a lone `---`. */
export function writeTranscript(path: string): void {
  writeBig(path, '---\n', (i) => (i % 50 === 0 ? `---- part ${i / 50} ----\n` : i % 50 === 25 ? '-----\n' : `[10:${String(i % 60).padStart(2, '0')}] Anna: we agreed on ${i} boxes, --- delivery on Monday\n`), 10 * MB);
}
