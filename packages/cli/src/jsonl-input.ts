import { parseCompanyLine, parseJsonLine, splitJsonlLines, type LineErrorRecord, type ParsedCompanyLine, type ParsedJsonLine } from '@echo-ridge/engine';
import type { ReadStream } from 'node:fs';
import { openInput } from './files.js';
import { Progress } from './progress.js';

type Failed = { ok: false; line: number; error: LineErrorRecord };

/**
 * Streams a JSONL file line by line through `parse`, drawing progress; lines the splitter refuses
 * (too long, not UTF-8) arrive as error records without reaching `parse`. The file is opened at the
 * call, not at the first read, so a bad path fails before a command truncates its output files.
 */
function readJsonlFile<T extends { ok: boolean; line: number }>(path: string, parse: (text: string, line: number) => T | Failed): AsyncGenerator<T | Failed> {
  const { stream, size } = openInput(path);
  return streamLines(stream, size, parse);
}

async function* streamLines<T>(stream: ReadStream, size: number, parse: (text: string, line: number) => T | Failed): AsyncGenerator<T | Failed> {
  const progress = new Progress(size);
  let lines = 0;
  try {
    for await (const raw of splitJsonlLines(stream)) {
      lines += 1;
      progress.update(stream.bytesRead, lines);
      yield 'error' in raw ? { ok: false, line: raw.line, error: raw.error } : parse(raw.text, raw.line);
    }
  } finally {
    progress.done();
    stream.destroy();
  }
}

/** Validated companies or error records. */
export const readCompanyLines = (path: string): AsyncGenerator<ParsedCompanyLine> => readJsonlFile(path, parseCompanyLine);

/** Any JSON records (pipeline records, blend cases) or error records. */
export const readRecordLines = (path: string): AsyncGenerator<ParsedJsonLine> => readJsonlFile(path, parseJsonLine);

/** Lines seen, and how they ended; lines = succeeded + failed always. */
export interface RunCounts {
  lines: number;
  succeeded: number;
  failed: number;
}

export function formatRate(count: number, milliseconds: number): string {
  const perMinute = milliseconds > 0 ? (count / milliseconds) * 60_000 : 0;
  return `${Math.round(perMinute).toLocaleString('en-US')}/min`;
}
