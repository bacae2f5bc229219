import type { Chunk } from '@echo-ridge/store';

/**
 * Objects up to this size are scored in the invocation that receives their event; larger ones are cut
 * into ranges of about this size (extended to the next line end) and scored in parallel invocations,
 * one message each. The stack passes CHUNK_BYTES, derived from the timeout and the slowest table it is
 * sized for (infra/lib/batch.ts, functions/batch/README.md "Chunk size"): 8 MiB, about 18,600 lines.
 * This default is the same, for the local runtime and tests.
 */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Cuts an object of `size` bytes into chunks that each start at a line start: a cut goes right after
 * the first newline at or beyond the nominal chunk size, so a boundary falling inside a line, or
 * inside a multi-byte UTF-8 character (whose bytes are never 0x0A), moves to that line's end. Newlines
 * are counted on the way, so each chunk knows the file line number it starts at. `read` streams the
 * whole object; it is not called when the object fits in one chunk.
 */
export async function planChunks(size: number, chunkBytes: number, read: () => Promise<AsyncIterable<Uint8Array>>): Promise<Chunk[]> {
  if (size <= chunkBytes) return [{ index: 0, start: 0, end: size, first_line: 1 }];
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let newlines = 0;
  let offset = 0;
  for await (const bytes of await read()) {
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) {
      newlines += 1;
      const lineEnd = offset + at + 1;
      if (lineEnd - chunkStart >= chunkBytes && lineEnd < size) {
        chunks.push({ index: chunks.length, start: chunkStart, end: lineEnd, first_line: chunkFirstLine });
        chunkStart = lineEnd;
        chunkFirstLine = newlines + 1;
      }
    }
    offset += bytes.length;
  }
  if (offset !== size) throw new Error(`read ${offset} bytes of an object of ${size} bytes while planning chunks`);
  chunks.push({ index: chunks.length, start: chunkStart, end: size, first_line: chunkFirstLine });
  return chunks;
}

/**
 * Where to read a chunk from. A chunk after the first is read from the newline that ends the previous
 * one, one line number earlier: the line splitter then sees an empty line first and the chunk's own
 * first line as a line start, not a file start, so a U+FEFF there is content exactly as in a
 * whole-file read, and line numbers stay the file's.
 */
export function readWindow(chunk: Chunk): { start: number; end: number; firstLine: number } {
  return chunk.start === 0 ? { start: 0, end: chunk.end, firstLine: 1 } : { start: chunk.start - 1, end: chunk.end, firstLine: chunk.first_line - 1 };
}
