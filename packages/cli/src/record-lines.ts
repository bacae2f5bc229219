import { HybridInputError, type LineErrorRecord, type ParsedJsonLine } from '@echo-ridge/engine';
import { errorsPathFor, LineWriter } from './files.js';
import type { RunCounts } from './jsonl-input.js';
import type { NamedPath } from './output-paths.js';

/** Where a run writes: results to `-o` or stdout; error records to `--errors`, beside `-o`, or to stderr. */
export interface RunOutputs {
  results: LineWriter;
  errors: LineWriter | null;
  resultsPath: string;
  errorsPath: string;
}

const errorsPathOf = (output: string | undefined, errors: string | undefined): string | null => errors ?? (output === undefined ? null : errorsPathFor(output));

/** The files a run writes, named for `refuseOutputsOverInputs`, the errors file beside `-o` included. */
export function runOutputPaths(output: string | undefined, errors: string | undefined): NamedPath[] {
  return [
    { option: '-o', path: output },
    { option: errors === undefined ? 'errors file beside -o' : '--errors', path: errorsPathOf(output, errors) },
  ];
}

export function openRunOutputs(output: string | undefined, errors: string | undefined): RunOutputs {
  const errorsPath = errorsPathOf(output, errors);
  return {
    results: LineWriter.open(output ?? null),
    errors: errorsPath === null ? null : LineWriter.open(errorsPath),
    resultsPath: output ?? 'stdout',
    errorsPath: errorsPath ?? 'stderr',
  };
}

/**
 * Hands every record to `handle`, which writes what it makes of it. A line that is not JSON,
 * or whose record the engine refuses with a `HybridInputError`, becomes an error record naming the
 * fields, and the run goes on; any other failure is a bug and stops the run.
 */
export async function forEachRecord(records: AsyncIterable<ParsedJsonLine>, errors: LineWriter | null, handle: (record: unknown, line: number) => Promise<void>): Promise<RunCounts> {
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  for await (const parsed of records) {
    counts.lines += 1;
    let failure: LineErrorRecord | undefined = parsed.ok ? undefined : parsed.error;
    if (parsed.ok) {
      try {
        await handle(parsed.value, parsed.line);
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
    await writeErrorRecord(errors, failure);
  }
  return counts;
}

/** Without an errors file, error records go to stderr so stdout stays a clean stream of results. */
export async function writeErrorRecord(errors: LineWriter | null, record: LineErrorRecord): Promise<void> {
  const line = JSON.stringify(record);
  if (errors) await errors.write(line);
  else process.stderr.write(`${line}\n`);
}

export async function closeAll(...writers: (LineWriter | null)[]): Promise<void> {
  for (const writer of writers) await writer?.close();
}

/** `12.5 %` of a count, or `0.0 %` of nothing. */
export function percent(part: number, whole: number): string {
  return `${(whole === 0 ? 0 : (100 * part) / whole).toFixed(1)} %`;
}
