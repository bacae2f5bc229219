/**
 * `echo-ridge score` on worker threads: the outputs are the bytes a single pass over the whole file
 * makes, whatever the number of workers and wherever the chunks are cut (small chunks here, so that
 * even the examples are shared among the workers and every kind of line meets a chunk edge).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScorer, DEFAULT_MAX_LINE_BYTES, splitJsonlLines, type RawLine } from '@echo-ridge/engine';
import { LineWriter, openInput } from '../src/files.js';
import { lineChunks } from '../src/line-chunks.js';
import { scoreInParallel } from '../src/parallel-score.js';
import { scoreChunk } from '../src/score-chunk.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scorer = createScorer({ deterministic: true });
const exampleLines = readFileSync(join(EXAMPLES, 'companies.jsonl'), 'utf8').split('\n').filter(Boolean);

/** The examples with every kind of bad line, a BOM, CRLF ends, an over-long line and no final newline. */
function hostileFile(): Buffer {
  const lines = exampleLines.slice(0, 40).flatMap((line, i) => {
    if (i === 0) return [`\uFEFF${line}`];
    if (i === 5) return [line, '{"company_id": "broken", '];
    if (i === 9) return [line, '', '   ', '[1, 2]'];
    if (i === 14) return [line.replace('"pagespeed": ', '"pagespeed": 1.5, "x": ')];
    if (i === 20) return [line, `{"company_id": "long", "pad": "${'x'.repeat(DEFAULT_MAX_LINE_BYTES)}"}`];
    return [line];
  });
  return Buffer.concat([Buffer.from(lines.join('\r\n')), Buffer.from([0x0a, 0xff, 0xfe, 0x0d, 0x0a]), Buffer.from(exampleLines[41]!)]);
}

/** What one pass over the whole file makes: the reference every parallel run must equal. */
function wholeFile(bytes: Buffer): { results: string; errors: string } {
  const scored = scoreChunk(scorer, { firstLine: 1, bytes });
  return { results: Buffer.from(scored.results).toString('utf8'), errors: Buffer.from(scored.errors).toString('utf8') };
}

async function parallel(path: string, workers: number, chunkBytes: number) {
  const outputs = { results: join(dir, `out-${workers}-${chunkBytes}.jsonl`), errors: join(dir, `err-${workers}-${chunkBytes}.jsonl`) };
  const results = LineWriter.open(outputs.results);
  const errors = LineWriter.open(outputs.errors);
  const { counts, threads } = await scoreInParallel({ input: openInput(path, chunkBytes), scorer, workers, results, errors, chunkBytes });
  await results.close();
  await errors.close();
  return { counts, threads, results: readFileSync(outputs.results, 'utf8'), errors: readFileSync(outputs.errors, 'utf8') };
}

describe('scoreInParallel', () => {
  it('scores a file of one chunk on the main thread, starting no worker', async () => {
    const path = join(dir, 'one-chunk.jsonl');
    writeFileSync(path, `${exampleLines.slice(0, 3).join('\n')}\n`);
    const results = LineWriter.open(join(dir, 'one-chunk.out.jsonl'));
    const run = await scoreInParallel({ input: openInput(path), scorer, workers: 2, results, errors: null });
    await results.close();
    expect(run).toEqual({ counts: { lines: 3, succeeded: 3, failed: 0 }, threads: 0 });
    expect(readFileSync(join(dir, 'one-chunk.out.jsonl'), 'utf8')).toBe(wholeFile(readFileSync(path)).results);
  });

  describe.each([
    ['examples/companies.jsonl', () => readFileSync(join(EXAMPLES, 'companies.jsonl'))],
    ['a hostile file (BOM, CRLF, bad JSON, schema errors, blank lines, an over-long line, bad UTF-8, no final newline)', hostileFile],
  ])('%s', (_name, make) => {
    const bytes = make();
    const path = join(dir, `input-${bytes.length}.jsonl`);
    writeFileSync(path, bytes);

    it.each([
      [1, 4096],
      [2, 700],
      [3, 4096],
    ])('%i workers, chunks of %i bytes: the same bytes as one pass over the whole file, in input order', async (workers, chunkBytes) => {
      const expected = wholeFile(bytes);
      const run = await parallel(path, workers, chunkBytes);
      expect(run.threads).toBe(workers);
      expect(run.results).toBe(expected.results);
      expect(run.errors).toBe(expected.errors);
      const resultLines = expected.results.split('\n').filter(Boolean).length;
      const errorLines = expected.errors.split('\n').filter(Boolean).length;
      expect(run.counts).toEqual({ lines: resultLines + errorLines, succeeded: resultLines, failed: errorLines });
    });
  });

  it('numbers error records by their line in the file, whichever chunk held them', async () => {
    const path = join(dir, 'numbered.jsonl');
    writeFileSync(path, hostileFile());
    const run = await parallel(path, 3, 700);
    const errors = run.errors
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { line: number; error: { code: string } })
      .map(({ line, error }) => `${line} ${error.code}`);
    expect(errors).toEqual(['7 INVALID_JSON', '14 VALIDATION_FAILED', '19 VALIDATION_FAILED', '26 LINE_TOO_LONG', '46 INVALID_UTF8']);
    const ids = run.results
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { company_id: string }).company_id);
    const expected = [...exampleLines.slice(0, 40).filter((_, i) => i !== 14), exampleLines[41]!].map((line) => (JSON.parse(line) as { company_id: string }).company_id);
    expect(ids).toEqual(expected);
  });

  it('fails the run, rather than writing a partial output as if complete, when a worker fails', async () => {
    const path = join(dir, 'unscorable.jsonl');
    writeFileSync(path, `${exampleLines.slice(0, 3).join('\n')}\n`);
    const results = LineWriter.open(join(dir, 'unscorable.out.jsonl'));
    // Weights without their table make every score throw inside the worker.
    const broken = { ...scorer, weights: { ...scorer.weights, weights: undefined } } as unknown as typeof scorer;
    await expect(scoreInParallel({ input: openInput(path, 100), scorer: broken, workers: 2, results, errors: null, chunkBytes: 100 })).rejects.toThrow();
    await results.close();
  });
});

describe('lineChunks', () => {
  async function chunksOf(pieces: Buffer[], chunkBytes: number, maxLineBytes: number) {
    const chunks = [];
    for await (const chunk of lineChunks(pieces, chunkBytes, maxLineBytes)) chunks.push(chunk);
    return chunks;
  }

  it('cuts only at line ends, and numbers each chunk by its first line', async () => {
    const text = 'a\nbb\nccc\ndddd\neeeee\n';
    const chunks = await chunksOf([Buffer.from(text.slice(0, 4)), Buffer.from(text.slice(4, 11)), Buffer.from(text.slice(11))], 3, 100);
    expect(chunks.map((chunk) => [chunk.firstLine, chunk.bytes.toString()])).toEqual([
      [1, 'a\nbb\nccc\n'],
      [4, 'dddd\neeeee\n'],
    ]);
  });

  it('keeps only the head of a line too long to score, however long it is, and still refuses it with its number', async () => {
    const maxLineBytes = 1000;
    const pieces = [Buffer.from('{"a":1}\n{"pad":"'), ...Array.from({ length: 500 }, () => Buffer.alloc(10_000, 0x78)), Buffer.from('"}\r\n{"b":2}')];
    const chunks = await chunksOf(pieces, 64, maxLineBytes);
    // 5 MB in, and what is kept of the long line is its head: the line end and one byte past a CR.
    expect(chunks.reduce((sum, chunk) => sum + chunk.bytes.length, 0)).toBe('{"a":1}\n'.length + maxLineBytes + 3 + '{"b":2}'.length);
    const raw: RawLine[] = [];
    for (const chunk of chunks) for await (const line of splitJsonlLines([chunk.bytes], { firstLine: chunk.firstLine, maxLineBytes })) raw.push(line);
    expect(raw.map((line) => ('error' in line ? `${line.line} ${line.error.error.code}` : `${line.line} ${line.text}`))).toEqual(['1 {"a":1}', '2 LINE_TOO_LONG', '3 {"b":2}']);
  });

  it('passes a line of exactly the longest length, CR included, whole', async () => {
    const maxLineBytes = 20;
    const line = `{"p":"${'y'.repeat(maxLineBytes - 8)}"}`;
    expect(line).toHaveLength(maxLineBytes);
    const chunks = await chunksOf([Buffer.from(`${line.slice(0, 5)}`), Buffer.from(`${line.slice(5)}\r`), Buffer.from('\n')], 1, maxLineBytes);
    const raw: RawLine[] = [];
    for (const chunk of chunks) for await (const parsed of splitJsonlLines([chunk.bytes], { firstLine: chunk.firstLine, maxLineBytes })) raw.push(parsed);
    expect(raw).toEqual([{ line: 1, text: line }]);
  });
});
