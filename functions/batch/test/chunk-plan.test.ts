import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_LINE_BYTES, splitJsonlLines, type LineErrorRecord, type RawLine } from '@echo-ridge/engine';
import type { Chunk } from '@echo-ridge/store';
import fc from 'fast-check';
import { countingNewlines, linesBefore, renumberErrorRecord } from '../src/chunk-lines.js';
import { FIRST_SEARCH_BYTES, planChunks, SEARCH_BOUND_BYTES } from '../src/chunk-plan.js';

/** Ranged reads of the object, delivered in pieces of `readSize` bytes as S3 streams them, with every read recorded. */
function ranges(bytes: Buffer, readSize = 7) {
  const reads: { start: number; end: number }[] = [];
  const readRange = (start: number, end: number) => {
    reads.push({ start, end });
    const range = bytes.subarray(start, end);
    async function* pieces() {
      for (let at = 0; at < range.length; at += readSize) yield range.subarray(at, at + readSize);
      await Promise.resolve();
    }
    return Promise.resolve(pieces());
  };
  return { readRange, reads, bytesRead: () => reads.reduce((sum, read) => sum + Math.min(read.end, bytes.length) - read.start, 0) };
}

async function collect(source: AsyncIterable<RawLine>): Promise<RawLine[]> {
  const lines: RawLine[] = [];
  for await (const line of source) lines.push(line);
  return lines;
}

/**
 * Every chunk read as the pipeline reads it (its own bytes, lines numbered from 1, newlines counted),
 * then numbered as the join numbers error records: must equal one read of the whole file.
 */
async function linesByChunk(bytes: Buffer, chunks: Chunk[]): Promise<RawLine[]> {
  const perChunk: RawLine[][] = [];
  const counted: Chunk[] = [];
  for (const chunk of chunks) {
    const tally = { newlines: 0 };
    const source = countingNewlines([bytes.subarray(chunk.start, chunk.end)], tally);
    perChunk.push(await collect(splitJsonlLines(source, { startsFile: chunk.start === 0 })));
    counted.push({ ...chunk, newlines: tally.newlines });
  }
  const before = linesBefore(counted);
  return perChunk.flatMap((lines, i) =>
    lines.map((raw) => {
      const line = raw.line + before[i]!;
      if (!('error' in raw)) return { line, text: raw.text };
      return { line, error: JSON.parse(renumberErrorRecord(JSON.stringify(raw.error), before[i]!)) as LineErrorRecord };
    }),
  );
}

const wholeFile = async (bytes: Buffer) => collect(splitJsonlLines([bytes]));

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
    await expect(planChunks(100, 100, read)).resolves.toEqual([{ index: 0, start: 0, end: 100 }]);
    await expect(planChunks(0, 100, read)).resolves.toEqual([{ index: 0, start: 0, end: 0 }]);
  });

  it('moves a boundary that falls inside a line to the end of that line', async () => {
    const bytes = Buffer.from('aaaa\nbbbbbbbb\ncc\n');
    // Nominal boundary at 8, inside "bbbbbbbb": the first chunk ends after its newline (byte 14).
    const chunks = await planChunks(bytes.length, 8, ranges(bytes).readRange);
    expect(chunks).toEqual([
      { index: 0, start: 0, end: 14 },
      { index: 1, start: 14, end: 17 },
    ]);
  });

  it('cuts right after a newline that ends exactly at the boundary', async () => {
    const bytes = Buffer.from('aaa\nbbb\nccc\n');
    const chunks = await planChunks(bytes.length, 4, ranges(bytes, 3).readRange);
    expect(chunks).toEqual([
      { index: 0, start: 0, end: 4 },
      { index: 1, start: 4, end: 8 },
      { index: 2, start: 8, end: 12 },
    ]);
  });

  it('never cuts inside a multi-byte UTF-8 character', async () => {
    // Bytes 6-7 are "é", 8-11 "😀": nominal boundaries at 7, 9, 10 and 11 fall inside them.
    const first = '{"n":"é😀"}\n';
    const bytes = Buffer.from(`${first}{"n":"x"}\n`);
    for (const chunkBytes of [7, 9, 10, 11]) {
      const chunks = await planChunks(bytes.length, chunkBytes, ranges(bytes, 1).readRange);
      expect(chunks.map((chunk) => chunk.start)).toEqual([0, Buffer.byteLength(first)]);
      expect(await linesByChunk(bytes, chunks)).toEqual(await wholeFile(bytes));
    }
  });

  it('numbers lines as the file does, counting blank lines and keeping a U+FEFF at a chunk start as content', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n\r\n{"b":2}\n\uFEFF{"c":3}\n\n{"d":4}')]);
    const chunks = await planChunks(bytes.length, 9, ranges(bytes).readRange);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.some((chunk) => bytes.subarray(chunk.start, chunk.start + 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) && chunk.start > 0)).toBe(true);
    const lines = await linesByChunk(bytes, chunks);
    expect(lines).toEqual(await wholeFile(bytes));
    expect(lines.map((line) => line.line)).toEqual([1, 3, 4, 6]);
    expect(lines[2]).toEqual({ line: 4, text: '\uFEFF{"c":3}' });
  });

  it('fails when the object is shorter than announced, rather than planning a chunk past its end', async () => {
    await expect(planChunks(50, 4, ranges(Buffer.from('a\nb\nc\n')).readRange)).rejects.toThrow(/read 0 bytes of bytes \[\d+, \d+\) of an object of 50 bytes/);
  });

  it('reads one small range per boundary, not the object', async () => {
    const line = `{"company_id":"c","pad":"${'x'.repeat(420)}"}\n`;
    const bytes = Buffer.from(line.repeat(20_000));
    const chunkBytes = 256 * 1024;
    const { readRange, reads, bytesRead } = ranges(bytes, 64 * 1024);
    const chunks = await planChunks(bytes.length, chunkBytes, readRange);
    expectContiguous(chunks, bytes.length);
    expect(chunks).toHaveLength(Math.ceil(bytes.length / chunkBytes));
    expect(reads).toHaveLength(chunks.length - 1);
    expect(bytesRead()).toBe((chunks.length - 1) * FIRST_SEARCH_BYTES);
    expect(bytesRead()).toBeLessThan(bytes.length / 50);
  });

  it('drops a boundary inside a line longer than the search bound, reading at most the bound there', async () => {
    const long = `{"company_id":"long","pad":"${'x'.repeat(2 * DEFAULT_MAX_LINE_BYTES)}"}`;
    const short = (n: number) => Array.from({ length: n }, (_, i) => `{"company_id":"c-${i}"}`);
    const bytes = Buffer.from([...short(3), long, '', ...short(4000)].join('\n'));
    // Not a multiple of the read sizes, so that the reads of two boundaries never meet end to start.
    const chunkBytes = 64 * 1024 + 1000;
    const { readRange, reads } = ranges(bytes, 4096);
    const chunks = await planChunks(bytes.length, chunkBytes, readRange);
    expectContiguous(chunks, bytes.length);
    const longEnd = bytes.indexOf('\n', bytes.indexOf('"long"')) + 1;
    // Every boundary inside the long line far from its end finds no newline within the bound and is
    // dropped; the first chunk runs to the end of the long line.
    expect(chunks[0]).toEqual({ index: 0, start: 0, end: longEnd });
    // The reads of one boundary b form a chain from b - 1, each starting where the last ended.
    const chains = new Map<number, { end: number; bytes: number }>();
    for (const read of [...reads].sort((a, b) => a.start - b.start)) {
      const chain = (read.start + 1) % chunkBytes === 0 ? undefined : [...chains.values()].find((open) => open.end === read.start);
      if (chain) Object.assign(chain, { end: read.end, bytes: chain.bytes + read.end - read.start });
      else chains.set(read.start + 1, { end: read.end, bytes: read.end - read.start });
    }
    expect([...chains.keys()].every((boundary) => boundary % chunkBytes === 0)).toBe(true);
    expect(Math.max(...[...chains.values()].map((chain) => chain.bytes))).toBeLessThanOrEqual(SEARCH_BOUND_BYTES);
    expect(chains.get(chunkBytes)?.bytes).toBe(SEARCH_BOUND_BYTES);
    const lines = await linesByChunk(bytes, chunks);
    expect(lines).toEqual(await wholeFile(bytes));
    expect(lines[3]).toMatchObject({ line: 4, error: { line: 4, error: { code: 'LINE_TOO_LONG' } } });
  });

  it('loses and repeats no line for any content, chunk size and read size, and reads at most the bound per boundary', async () => {
    const line = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant(''), fc.constant('\uFEFF{}'), fc.constant('{"a":'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 20 }),
        async (lines, eol, trailingNewline, chunkBytes, readSize, bound) => {
          const bytes = Buffer.from(lines.join(eol) + (trailingNewline ? eol : ''), 'utf8');
          const { readRange, reads } = ranges(bytes, readSize);
          const chunks = await planChunks(bytes.length, chunkBytes, readRange, bound);
          expectContiguous(chunks, bytes.length);
          expect(reads.every((read) => read.end - read.start <= bound)).toBe(true);
          expect(await linesByChunk(bytes, chunks)).toEqual(await wholeFile(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renumberErrorRecord', () => {
  it('moves the line number and keeps every other byte', () => {
    const record = JSON.stringify({ line: 7, company_id: 'c', error: { code: 'INVALID_JSON', message: '{"line":1}', issues: [] } });
    expect(renumberErrorRecord(record, 1000)).toBe(record.replace('{"line":7,', '{"line":1007,'));
    expect(renumberErrorRecord(record, 0)).toBe(record);
  });

  it('refuses a record that does not start with its line number', () => {
    expect(() => renumberErrorRecord('{"company_id":"c","line":3}', 5)).toThrow('does not start with its line number');
  });
});

describe('linesBefore', () => {
  it('sums the newlines of the chunks before each, and needs none from the last', () => {
    const chunks = [
      { index: 0, start: 0, end: 10, newlines: 4 },
      { index: 1, start: 10, end: 20, newlines: 0 },
      { index: 2, start: 20, end: 30, newlines: 3 },
      { index: 3, start: 30, end: 35 },
    ];
    expect(linesBefore(chunks)).toEqual([0, 4, 4, 7]);
    expect(() => linesBefore([{ index: 0, start: 0, end: 10 }, chunks[3]!])).toThrow('chunk 0 has no newline count');
  });
});
