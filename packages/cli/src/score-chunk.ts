import { parseCompanyLine, splitJsonlLinesSync, type Scorer } from '@echo-ridge/engine';
import { EncodedLines } from './encoded-lines.js';
import type { RunCounts } from './jsonl-input.js';
import type { LineChunk } from './line-chunks.js';

/** A chunk scored: its payload lines and error record lines as UTF-8, ready to append to the outputs. */
export interface ScoredChunk {
  results: Uint8Array;
  errors: Uint8Array;
  counts: RunCounts;
}

/** A payload takes about five times the bytes of its company line; more room is made if needed. */
const RESULT_BYTES_PER_INPUT_BYTE = 6;
const ERROR_BYTES = 16 * 1024;

/**
 * Scores the lines of one chunk exactly as a run over the whole file scores them: the same splitting
 * (numbered from the chunk's first line, so a BOM is stripped only from line 1), the same payloads
 * and error records, each line ended by a newline. The encoded bytes own their memory, so a worker
 * can hand them over without a copy.
 */
export function scoreChunk(scorer: Scorer, { firstLine, bytes }: LineChunk): ScoredChunk {
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  const results = new EncodedLines(bytes.length * RESULT_BYTES_PER_INPUT_BYTE);
  const errors = new EncodedLines(ERROR_BYTES);
  for (const raw of splitJsonlLinesSync([bytes], { firstLine })) {
    counts.lines += 1;
    const parsed = 'error' in raw ? ({ ok: false, error: raw.error } as const) : parseCompanyLine(raw.text, raw.line);
    if (parsed.ok) {
      counts.succeeded += 1;
      results.push(JSON.stringify(scorer.score(parsed.company)));
    } else {
      counts.failed += 1;
      errors.push(JSON.stringify(parsed.error));
    }
  }
  return { results: results.view(), errors: errors.view(), counts };
}
