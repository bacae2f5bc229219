import { parseCompanyLine, splitJsonlLines, type ParsedCompanyLine } from '@echo-ridge/engine';
import { openInput } from './files.js';
import { Progress } from './progress.js';

/** Streams a JSONL file of company records as validated companies or error records, drawing progress. */
export async function* readCompanyLines(path: string): AsyncGenerator<ParsedCompanyLine> {
  const { stream, size } = openInput(path);
  const progress = new Progress(size);
  let lines = 0;
  try {
    for await (const raw of splitJsonlLines(stream)) {
      lines += 1;
      progress.update(stream.bytesRead, lines);
      yield 'error' in raw ? { ok: false, line: raw.line, error: raw.error } : parseCompanyLine(raw.text, raw.line);
    }
  } finally {
    progress.done();
    stream.destroy();
  }
}

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
