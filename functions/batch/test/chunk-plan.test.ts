import { describe, expect, it } from '@jest/globals';
import { splitJsonlLines, type RawLine } from '@echo-ridge/engine';
import type { Chunk } from '@echo-ridge/store';
import fc from 'fast-check';
import { planChunks, readWindow } from '../src/chunk-plan.js';

/** The object delivered in reads of `readSize` bytes, as S3 streams it. */
function reader(bytes: Buffer, readSize = 7) {
  async function* pieces() {
    for (let at = 0; at < bytes.length; at += readSize) yield bytes.subarray(at, at + readSize);
    await Promise.resolve();
  }
  return () => Promise.resolve(pieces());
}

async function collect(source: AsyncIterable<RawLine>): Promise<RawLine[]> {
  const lines: RawLine[] = [];
  for await (const line of source) lines.push(line);
  return lines;
}

/** Every chunk read as the pipeline reads it, one after another: must equal one read of the whole file. */
async function linesByChunk(bytes: Buffer, chunks: Chunk[]): Promise<RawLine[]> {
  const lines: RawLine[] = [];
  for (const chunk of chunks) {
    const window = readWindow(chunk);
    lines.push(...(await collect(splitJsonlLines(await reader(bytes.subarray(window.start, window.end))(), { firstLine: window.firstLine }))));
  }
  return lines;
}

const wholeFile = async (bytes: Buffer) => collect(splitJsonlLines(await reader(bytes)()));

function expectContiguous(chunks: Chunk[], size: number) {
  expect(chunks[0]?.start).toBe(0);
  expect(chunks.at(-1)?.end).toBe(size);
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    if (size > 0) expect(chunk.end).toBeGreaterThan(chunk.start);
    if (index > 0) expect(chunk.start).toBe(chunks[index - 1]!.end);
  });
}

describe('planChunks', () => {
  it('keeps an object of at most one chunk whole, without reading it', async () => {
    const read = () => {
      throw new Error('must not read');
    };
    await expect(planChunks(100, 100, read)).resolves.toEqual([{ index: 0, start: 0, end: 100, first_line: 1 }]);
    await expect(planChunks(0, 100, read)).resolves.toEqual([{ index: 0, start: 0, end: 0, first_line: 1 }]);
  });

  it('moves a boundary that falls inside a line to the end of that line', async () => {
    const bytes = Buffer.from('aaaa\nbbbbbbbb\ncc\n');
    // Nominal boundary at 8, inside "bbbbbbbb": the first chunk ends after its newline (byte 14).
    const chunks = await planChunks(bytes.length, 8, reader(bytes));
    expect(chunks).toEqual([
      { index: 0, start: 0, end: 14, first_line: 1 },
      { index: 1, start: 14, end: 17, first_line: 3 },
    ]);
  });

  it('cuts right after a newline that ends exactly at the boundary', async () => {
    const bytes = Buffer.from('aaa\nbbb\nccc\n');
    const chunks = await planChunks(bytes.length, 4, reader(bytes, 3));
    expect(chunks).toEqual([
      { index: 0, start: 0, end: 4, first_line: 1 },
      { index: 1, start: 4, end: 8, first_line: 2 },
      { index: 2, start: 8, end: 12, first_line: 3 },
    ]);
  });

  it('never cuts inside a multi-byte UTF-8 character', async () => {
    // Bytes 6-7 are "é", 8-11 "😀": nominal boundaries at 7, 9, 10 and 11 fall inside them.
    const first = '{"n":"é😀"}\n';
    const bytes = Buffer.from(`${first}{"n":"x"}\n`);
    for (const chunkBytes of [7, 9, 10, 11]) {
      const chunks = await planChunks(bytes.length, chunkBytes, reader(bytes, 1));
      expect(chunks.map((chunk) => chunk.start)).toEqual([0, Buffer.byteLength(first)]);
      expect(await linesByChunk(bytes, chunks)).toEqual(await wholeFile(bytes));
    }
  });

  it('numbers lines as the file does, counting blank lines and keeping a U+FEFF at a chunk start as content', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n\r\n{"b":2}\n\uFEFF{"c":3}\n\n{"d":4}')]);
    const chunks = await planChunks(bytes.length, 9, reader(bytes));
    expect(chunks.length).toBeGreaterThan(2);
    const lines = await linesByChunk(bytes, chunks);
    expect(lines).toEqual(await wholeFile(bytes));
    expect(lines.map((line) => line.line)).toEqual([1, 3, 4, 6]);
    expect(lines[2]).toEqual({ line: 4, text: '\uFEFF{"c":3}' });
  });

  it('fails when the object is shorter than announced, rather than planning a chunk past its end', async () => {
    await expect(planChunks(50, 4, reader(Buffer.from('a\nb\nc\n')))).rejects.toThrow('read 6 bytes of an object of 50 bytes');
  });

  it('loses and repeats no line for any content, chunk size and read size', async () => {
    const line = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant(''), fc.constant('\uFEFF{}'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 16 }),
        async (lines, eol, trailingNewline, chunkBytes, readSize) => {
          const text = lines.join(eol) + (trailingNewline ? eol : '');
          const bytes = Buffer.from(text, 'utf8');
          const chunks = await planChunks(bytes.length, chunkBytes, reader(bytes, readSize));
          expectContiguous(chunks, bytes.length);
          expect(await linesByChunk(bytes, chunks)).toEqual(await wholeFile(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
