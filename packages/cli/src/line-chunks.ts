import { DEFAULT_MAX_LINE_BYTES } from '@echo-ridge/engine';

/** A run of whole lines of a file, and the 1-based number of its first line. */
export interface LineChunk {
  firstLine: number;
  bytes: Buffer;
}

const NEWLINE = 0x0a;

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/**
 * Cuts a byte stream at line ends into chunks of about `chunkBytes`, so that each chunk can be split
 * and scored on its own (by `splitJsonlLines` with the chunk's first line number) exactly as the
 * whole file would be. Memory stays constant whatever the file: a line longer than `maxLineBytes`
 * keeps only enough of its head to still be refused as too long (one CR byte more, plus one), and
 * the rest of it is dropped as it streams by.
 */
export async function* lineChunks(source: AsyncIterable<Buffer> | Iterable<Buffer>, chunkBytes: number, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineChunk> {
  const keptOfLongLine = maxLineBytes + 2;
  let firstLine = 1;
  let lines: Buffer[] = [];
  let linesBytes = 0;
  // The line still open at the end of what was read so far.
  let open: Buffer[] = [];
  let openBytes = 0;

  const keepOpen = (bytes: Buffer) => {
    if (openBytes >= keptOfLongLine || bytes.length === 0) return;
    const kept = bytes.subarray(0, keptOfLongLine - openBytes);
    // Copied: the read buffer behind a subarray would otherwise stay alive as long as the line does.
    open.push(Buffer.from(kept));
    openBytes += kept.length;
  };
  const addLines = (bytes: Buffer) => {
    lines.push(bytes);
    linesBytes += bytes.length;
  };
  const take = (): LineChunk => {
    const chunk = { firstLine, bytes: Buffer.concat(lines, linesBytes) };
    firstLine += countNewlines(chunk.bytes);
    lines = [];
    linesBytes = 0;
    return chunk;
  };

  for await (const bytes of source) {
    const first = bytes.indexOf(NEWLINE);
    if (first === -1) {
      keepOpen(bytes);
      continue;
    }
    if (open.length === 0) addLines(bytes.subarray(0, first + 1));
    else {
      keepOpen(bytes.subarray(0, first));
      addLines(Buffer.concat([...open, Buffer.from([NEWLINE])]));
      open = [];
      openBytes = 0;
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last > first) addLines(bytes.subarray(first + 1, last + 1));
    keepOpen(bytes.subarray(last + 1));
    if (linesBytes >= chunkBytes) yield take();
  }
  if (open.length > 0) addLines(Buffer.concat(open, openBytes));
  if (linesBytes > 0) yield take();
}
