import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { openObjectWriter, type Chunk } from '@echo-ridge/store';

/**
 * Line numbers without counting lines at plan time. A chunk numbers its lines from 1, as if it were a
 * file, and counts its newlines while it is scored; the batch record keeps that count when the chunk
 * finishes. A line's number in the file is its number in the chunk plus the newlines of the chunks
 * before it (each chunk but the last ends with a newline), so error records are renumbered when the
 * errors parts are joined. Scores need a key before that: their member number is the chunk's first
 * byte plus the line's number in the chunk, the file's line number in a one-chunk batch, and unique
 * and in input order in any batch, because a chunk holds at least as many bytes as lines.
 */

const NEWLINE = 0x0a;

/** Passes the bytes on and counts their newlines into `tally`. */
export async function* countingNewlines(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, tally: { newlines: number }): AsyncGenerator<Uint8Array> {
  for await (const bytes of source) {
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) tally.newlines += 1;
    yield bytes;
  }
}

/** The member number of the chunk's `line`-th line (counted from 1). */
export const memberNumber = (chunk: Chunk, line: number) => chunk.start + line;

/** For each chunk, the lines of the chunks before it; every chunk but the last must have finished. */
export function linesBefore(chunks: readonly Chunk[]): number[] {
  let sum = 0;
  return chunks.map((chunk, index) => {
    const before = sum;
    if (index < chunks.length - 1) {
      if (chunk.newlines === undefined) throw new Error(`chunk ${index} has no newline count: it has not finished`);
      sum += chunk.newlines;
    }
    return before;
  });
}

const LINE_FIELD = /^\{"line":(\d+)/;

/** An error record of a chunk with its line number moved by `offset` lines; every other byte is kept. */
export function renumberErrorRecord(record: string, offset: number): string {
  const match = LINE_FIELD.exec(record);
  if (!match) throw new Error(`an error record does not start with its line number: ${record.slice(0, 80)}`);
  return `{"line":${Number(match[1]) + offset}${record.slice(match[0].length)}`;
}

export interface ErrorsPart {
  key: string;
  /** Lines of the file before the chunk that wrote this part. */
  linesBefore: number;
}

/**
 * Writes the errors parts, in order and renumbered, as one object. Only error records pass through
 * the function (none for a clean file), and the output depends only on the parts, so a join that is
 * repeated after a crash writes the same bytes again.
 */
export async function joinErrorParts(s3: S3Client, bucket: string, parts: readonly ErrorsPart[], targetKey: string): Promise<void> {
  const target = openObjectWriter(s3, bucket, targetKey);
  try {
    for (const { key, linesBefore } of parts) {
      const part = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const record of createInterface({ input: part.Body as Readable, crlfDelay: Infinity })) {
        if (record !== '') await target.write(`${renumberErrorRecord(record, linesBefore)}\n`);
      }
    }
    await target.close();
  } catch (error) {
    await target.abort();
    throw error;
  }
}
