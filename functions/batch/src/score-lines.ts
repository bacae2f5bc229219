import { parseCompanyLine, type Company, type LineErrorRecord, type RawLine, type ScorePayload, type Scorer } from '@echo-ridge/engine';
import type { LineCounts } from '@echo-ridge/store';

/** Where each line of a chunk goes: a payload (with the company it scores) for a valid line, an error record for any other. */
export interface LineSink {
  scored(line: number, payload: ScorePayload, company: Company): Promise<void>;
  failed(error: LineErrorRecord): Promise<void>;
}

/**
 * Scores a stream of split lines in order, handing each outcome to the sink before reading on, so the
 * sink's backpressure (S3 parts, DynamoDB writes in flight) bounds memory. Every non-blank line ends
 * as exactly one of the two: lines = scored + failed.
 */
export async function scoreLines(lines: AsyncIterable<RawLine>, scorer: Scorer, sink: LineSink): Promise<LineCounts> {
  const counts: LineCounts = { lines: 0, scored: 0, failed: 0 };
  for await (const raw of lines) {
    counts.lines += 1;
    const parsed = 'error' in raw ? raw : parseCompanyLine(raw.text, raw.line);
    if ('company' in parsed) {
      await sink.scored(parsed.line, scorer.score(parsed.company), parsed.company);
      counts.scored += 1;
    } else {
      await sink.failed(parsed.error);
      counts.failed += 1;
    }
  }
  return counts;
}
