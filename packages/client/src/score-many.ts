import { MAX_BATCH_COMPANIES } from '@echo-ridge/contract';
import type { BatchResponse, Company, ErrorDetail, ScorePayload } from './types.js';

export interface ScoreManyOptions {
  /** Batch requests in flight at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

/** The outcome for one company, at the company's index in the input. */
export type ScoreManyItem = { ok: true; company_id: string; payload: ScorePayload } | { ok: false; company_id?: string; error: ErrorDetail };

export interface ScoreManyResult {
  /** One per input company, in input order. */
  items: ScoreManyItem[];
  /** The batch ids the API stored the scores under, one per request, in input order. */
  batch_ids: string[];
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Scores any number of companies through `POST /score/batch`: slices of at most MAX_BATCH_COMPANIES,
 * at most `concurrency` requests in flight, every outcome put back at its company's input index. When a
 * request fails, no further slice is sent, those in flight are awaited, and the first error is thrown.
 */
export async function scoreMany(
  scoreBatch: (companies: readonly Company[], signal?: AbortSignal) => Promise<BatchResponse>,
  companies: readonly Company[],
  { concurrency = DEFAULT_CONCURRENCY, signal }: ScoreManyOptions = {},
): Promise<ScoreManyResult> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, not ${concurrency}`);
  const sliceCount = Math.ceil(companies.length / MAX_BATCH_COMPANIES);
  const items = new Array<ScoreManyItem>(companies.length);
  const batchIds = new Array<string>(sliceCount);
  let nextSlice = 0;
  let failed = false;

  async function worker(): Promise<void> {
    while (!failed && nextSlice < sliceCount) {
      const slice = nextSlice++;
      const start = slice * MAX_BATCH_COMPANIES;
      try {
        const answer = await scoreBatch(companies.slice(start, start + MAX_BATCH_COMPANIES), signal);
        batchIds[slice] = answer.batch_id;
        for (const { index, company_id, payload } of answer.results) items[start + index] = { ok: true, company_id, payload };
        for (const { index, company_id, error } of answer.errors) items[start + index] = { ok: false, ...(company_id !== undefined && { company_id }), error };
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }

  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, sliceCount) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return { items, batch_ids: batchIds };
}
