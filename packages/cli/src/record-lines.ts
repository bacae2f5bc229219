import { HybridInputError, splitJsonlLines, type LineErrorRecord } from '@echo-ridge/engine';
import type { RunCounts } from './company-lines.js';
import { errorsPathFor, LineWriter, openInput } from './files.js';
import { Progress } from './progress.js';

export type ParsedRecordLine = { ok: true; line: number; record: unknown } | { ok: false; line: number; error: LineErrorRecord };

function parseJsonLine(text: string, line: number): ParsedRecordLine {
  try {
    return { ok: true, line, record: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, line, error: { line, error: { code: 'INVALID_JSON', message: `Line is not valid JSON: ${(error as Error).message}`, issues: [] } } };
  }
}

/** Streams a JSONL file of arbitrary records as parsed JSON values or error records, drawing progress. */
export async function* readRecordLines(path: string): AsyncGenerator<ParsedRecordLine> {
  const { stream, size } = openInput(path);
  const progress = new Progress(size);
  let lines = 0;
  try {
    for await (const raw of splitJsonlLines(stream)) {
      lines += 1;
      progress.update(stream.bytesRead, lines);
      yield 'error' in raw ? { ok: false, line: raw.line, error: raw.error } : parseJsonLine(raw.text, raw.line);
    }
  } finally {
    progress.done();
    stream.destroy();
  }
}

/** Where a run writes: results to `-o` or stdout; error records to `--errors`, beside `-o`, or to stderr. */
export interface RunOutputs {
  results: LineWriter;
  errors: LineWriter | null;
  resultsPath: string;
  errorsPath: string;
}

export function openRunOutputs(output: string | undefined, errors: string | undefined): RunOutputs {
  const errorsPath = errors ?? (output === undefined ? null : errorsPathFor(output));
  return {
    results: LineWriter.open(output ?? null),
    errors: errorsPath === null ? null : LineWriter.open(errorsPath),
    resultsPath: output ?? 'stdout',
    errorsPath: errorsPath ?? 'stderr',
  };
}

/**
 * Hands every record of `input` to `handle`, which writes what it makes of it. A line that is not JSON,
 * or whose record the engine refuses with a `HybridInputError`, becomes an error record naming the
 * fields, and the run goes on; any other failure is a bug and stops the run.
 */
export async function forEachRecord(input: string, errors: LineWriter | null, handle: (record: unknown, line: number) => Promise<void>): Promise<RunCounts> {
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  for await (const parsed of readRecordLines(input)) {
    counts.lines += 1;
    let failure: LineErrorRecord | undefined = parsed.ok ? undefined : parsed.error;
    if (parsed.ok) {
      try {
        await handle(parsed.record, parsed.line);
      } catch (error) {
        if (!(error instanceof HybridInputError)) throw error;
        failure = { line: parsed.line, error: { code: error.code, message: error.message, issues: error.issues } };
      }
    }
    if (failure === undefined) {
      counts.succeeded += 1;
      continue;
    }
    counts.failed += 1;
    const record = JSON.stringify(failure);
    if (errors) await errors.write(record);
    else process.stderr.write(`${record}\n`);
  }
  return counts;
}

export async function closeAll(...writers: (LineWriter | null)[]): Promise<void> {
  for (const writer of writers) await writer?.close();
}

/** `12.5 %` of a count, or `0.0 %` of nothing. */
export function percent(part: number, whole: number): string {
  return `${(whole === 0 ? 0 : (100 * part) / whole).toFixed(1)} %`;
}
