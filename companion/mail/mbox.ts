// mbox files (mboxo/mboxrd, as Thunderbird and Google Takeout write them): messages separated by
// `From ` lines, split as a stream so a large archive never sits in memory whole.
import type { Readable } from 'node:stream';

/** True when the file starts like an mbox: a `From ` separator line followed by a header line. */
export function looksLikeMbox(head: Buffer): boolean {
  const text = head.subarray(0, 4096).toString('latin1');
  return /^From \S+.*\r?\n[A-Za-z][A-Za-z0-9-]*:/.test(text);
}

/** Yields each message's raw bytes, the separator line removed and `>From ` unquoted (mboxrd). */
export async function* splitMbox(source: Readable, maxMessageBytes = 64 * 1024 * 1024): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  let lines: Buffer[] = [];
  let size = 0;
  let started = false;
  let prevBlank = true;
  let tooLarge = false;
  const flush = function* (): Generator<Buffer> {
    if (started && !tooLarge) {
      // The blank line before the next separator belongs to the format, not the message.
      let end = lines.length;
      if (end > 0 && /^\r?\n$/.test(lines[end - 1]!.toString('latin1'))) end--;
      yield Buffer.concat(lines.slice(0, end));
    } else if (tooLarge) {
      throw new Error(`a message in the mbox is larger than ${Math.round(maxMessageBytes / 1024 / 1024)} MB`);
    }
    lines = [];
    size = 0;
  };
  const take = function* (line: Buffer): Generator<Buffer> {
    const isSep = prevBlank && line.length >= 5 && line[0] === 0x46 && line.subarray(0, 5).toString('latin1') === 'From ';
    if (isSep) {
      yield* flush();
      started = true;
      tooLarge = false;
      prevBlank = false;
      return;
    }
    prevBlank = line.length <= 2 && /^\r?\n?$/.test(line.toString('latin1'));
    if (!started) return;
    const unquoted = /^>+From /.test(line.subarray(0, 80).toString('latin1')) ? line.subarray(1) : line;
    size += unquoted.length;
    if (size > maxMessageBytes) tooLarge = true;
    else lines.push(unquoted);
  };
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      yield* take(buf.subarray(0, nl + 1));
      buf = buf.subarray(nl + 1);
    }
    carry = Buffer.from(buf);
  }
  if (carry.length) yield* take(carry);
  yield* flush();
}
