import { DEFAULT_MAX_LINE_BYTES } from '@echo-ridge/engine';
import { mapInParallel, readBytes, type Chunk } from '@echo-ridge/store';

/**
 * Objects up to this size are scored in the invocation that receives their event; larger ones are cut
 * into ranges of about this size (extended to the next line end) and scored in parallel invocations,
 * one message each. The stack passes CHUNK_BYTES, derived from the timeout and the slowest table it is
 * sized for (infra/lib/batch.ts, functions/batch/README.md "Chunk size"): 8 MiB, about 18,600 lines.
 * This default is the same, for the local runtime and tests.
 */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** The first read at a boundary: about nine example lines (450 B each). Each further read there doubles. */
export const FIRST_SEARCH_BYTES = 4 * 1024;

/**
 * Bytes read at most at one boundary: the longest line the splitter accepts, with its CR and LF. A
 * line longer than that is one LINE_TOO_LONG record in whichever chunk it lands, so a boundary that
 * finds no newline within this bound is dropped and its chunk runs on to the next boundary.
 */
export const SEARCH_BOUND_BYTES = DEFAULT_MAX_LINE_BYTES + 2;

/** Boundaries searched at once: each search is one ranged GET, rarely more. */
const SEARCHES_IN_FLIGHT = 8;

const NEWLINE = 0x0a;

/** Streams bytes [start, end) of the object being planned. */
export type ReadRange = (start: number, end: number) => Promise<AsyncIterable<Uint8Array>>;

/**
 * The offset right after the first newline at or beyond `from`, reading ranges that start at
 * FIRST_SEARCH_BYTES and double, `bound` bytes at most; `size` when the object ends first, undefined
 * when the bound is reached without a newline.
 */
async function lineEndFrom(from: number, size: number, readRange: ReadRange, bound: number): Promise<number | undefined> {
  let start = from;
  let length = FIRST_SEARCH_BYTES;
  while (start < size && start - from < bound) {
    const end = Math.min(start + length, from + bound, size);
    const bytes = await readBytes(await readRange(start, end));
    if (bytes.length !== end - start) throw new Error(`read ${bytes.length} bytes of bytes [${start}, ${end}) of an object of ${size} bytes while planning chunks`);
    const at = bytes.indexOf(NEWLINE);
    if (at !== -1) return start + at + 1;
    start = end;
    length *= 2;
  }
  return start >= size ? size : undefined;
}

/**
 * Cuts an object of `size` bytes into chunks that each start at a line start, reading only near the
 * cuts: the nominal boundaries lie every `chunkBytes` bytes, and each moves to right after the first
 * newline at or beyond it, found by ranged reads of a few KiB there (searched in parallel, each
 * bounded by SEARCH_BOUND_BYTES). A boundary inside a line, or inside a multi-byte UTF-8 character
 * (whose bytes are never 0x0A), moves to that line's end; boundaries that land on the same line end
 * make one cut. Chunks do not know their first line number: each counts its newlines while it is
 * scored, and the join numbers error records from those counts (chunk-lines.ts).
 */
export async function planChunks(size: number, chunkBytes: number, readRange: ReadRange, bound = SEARCH_BOUND_BYTES): Promise<Chunk[]> {
  if (size <= chunkBytes) return [{ index: 0, start: 0, end: size }];
  const nominal: number[] = [];
  for (let at = chunkBytes; at < size; at += chunkBytes) nominal.push(at);
  // A chunk ends right after a newline at byte (boundary - 1) or later: a line ending exactly at the
  // boundary ends the chunk there.
  const found = await mapInParallel(nominal, SEARCHES_IN_FLIGHT, (at) => lineEndFrom(at - 1, size, readRange, bound));
  const chunks: Chunk[] = [];
  let start = 0;
  for (const end of found) {
    if (end === undefined || end <= start || end >= size) continue;
    chunks.push({ index: chunks.length, start, end });
    start = end;
  }
  chunks.push({ index: chunks.length, start, end: size });
  return chunks;
}
