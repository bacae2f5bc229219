import type { BatchRun } from '@echo-ridge/store';

/** Where a batch's outputs go, as the README promises users. */
export const outputKeys = (batchId: string) => ({ results: `results/${batchId}.jsonl`, errors: `errors/${batchId}.jsonl` });

/**
 * Where one chunk writes. A one-chunk batch writes its outputs directly; the chunks of a larger one
 * write parts that the last chunk to finish joins in chunk order.
 */
export function chunkOutputKeys(run: BatchRun, index: number): { results: string; errors: string } {
  if (run.chunk_count === 1) return { results: run.results_key, errors: run.errors_key };
  const part = `part-${String(index).padStart(5, '0')}.jsonl`;
  return { results: `results/${run.batch_id}/${part}`, errors: `errors/${run.batch_id}/${part}` };
}
