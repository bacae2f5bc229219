import { parseCompanyLine, splitJsonlLines, type Scorer } from '@echo-ridge/engine';
import type { RunCounts } from './jsonl-input.js';
import type { LineChunk } from './line-chunks.js';

/** A chunk scored: its payload lines and error record lines as UTF-8, ready to append to the outputs. */
export interface ScoredChunk {
  results: Uint8Array;
  errors: Uint8Array;
  counts: RunCounts;
}

const encoder = new TextEncoder();

/**
 * Scores the lines of one chunk exactly as a run over the whole file scores them: the same splitting
 * (numbered from the chunk's first line, so a BOM is stripped only from line 1), the same payloads
 * and error records, each line ended by a newline. The encoded bytes own their memory, so a worker
 * can hand them over without a copy.
 */
export async function scoreChunk(scorer: Scorer, { firstLine, bytes }: LineChunk): Promise<ScoredChunk> {
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  let results = '';
  let errors = '';
  for await (const raw of splitJsonlLines([bytes], { firstLine })) {
    counts.lines += 1;
    const parsed = 'error' in raw ? ({ ok: false, error: raw.error } as const) : parseCompanyLine(raw.text, raw.line);
    if (parsed.ok) {
      counts.succeeded += 1;
      results += `${JSON.stringify(scorer.score(parsed.company))}\n`;
    } else {
      counts.failed += 1;
      errors += `${JSON.stringify(parsed.error)}\n`;
    }
  }
  return { results: encoder.encode(results), errors: encoder.encode(errors), counts };
}
