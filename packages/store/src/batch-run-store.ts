import type { Company, ScorePayload } from '@echo-ridge/engine';
import { createBatchWriter, type BatchWriteOptions } from './batch-writes.js';
import { fileBatchScoreItem } from './batch-scores.js';
import { pointLatestFromUpload, type BatchLatest } from './latest-scores.js';
import type { Sampler } from './reservoir.js';
import { claimChunk, completeBatchRun, createBatchRun, failBatchRun, finishChunk, getBatchRun, releaseChunk, type BatchRun, type ChunkCounts, type Lease, type NewBatchRun } from './batch-runs.js';
import { createTableContext, type StoreOptions } from './store.js';

/**
 * Writes the scores of one chunk: items are grouped 25 to a BatchWriteItem call, several calls in
 * flight. Once they are stored, each company's latest-score pointer moves to its last line in the
 * chunk, unless a newer upload of the same key holds it (latest-scores.ts).
 */
export interface ScoreWriter {
  /** The score of the line with this member number (batch-scores.ts), and the company's reservoir item when the sampler keeps it. */
  add(member: number, payload: ScorePayload, company: Company): Promise<void>;
  /** Stores what is buffered, then moves the pointers; resolves to how many pointers a newer upload holds. */
  flush(): Promise<{ superseded: number }>;
}

/** An upload whose event had no sequencer (a batch planned before sequencers were kept) counts as older than any that has one. */
const NO_SEQUENCER = '0';

/** The file-batch access patterns (batch-runs.ts), bound to one table. */
export function createBatchRunStore(options: StoreOptions, writeOptions: BatchWriteOptions = {}) {
  const table = createTableContext(options);
  return {
    get: (batchId: string) => getBatchRun(table, batchId),
    create: (draft: NewBatchRun) => createBatchRun(table, draft),
    claimChunk: (batchId: string, index: number, lease: Lease) => claimChunk(table, batchId, index, lease),
    finishChunk: (batchId: string, index: number, owner: string, counts: ChunkCounts) => finishChunk(table, batchId, index, owner, counts),
    releaseChunk: (batchId: string, index: number, owner: string) => releaseChunk(table, batchId, index, owner),
    complete: (run: BatchRun) => completeBatchRun(table, run),
    fail: (batchId: string, reason: string) => failBatchRun(table, batchId, reason),
    openScoreWriter: (run: BatchRun, sampler: Pick<Sampler, 'distinct'>): ScoreWriter => {
      const writer = createBatchWriter(table, writeOptions);
      const sampleOf = sampler.distinct();
      // Lines come in order, so a company's last entry is its last line in the chunk.
      const latest = new Map<string, BatchLatest>();
      const upload = { source: `${run.source.bucket}/${run.source.key}`, sequencer: run.source.sequencer ?? NO_SEQUENCER };
      return {
        async add(member, payload, company) {
          const item = fileBatchScoreItem(table, { tenant: run.tenant, batchId: run.batch_id, storedAt: run.created_at, member, payload });
          await writer.add(item);
          latest.set(payload.company_id, { companyId: payload.company_id, member, scoreSortKey: item.sk as string });
          // A sampled input rides in the BatchWriteItem calls of the scores: no call of its own.
          const sample = sampleOf(company);
          if (sample) await writer.add(sample);
        },
        async flush() {
          await writer.flush();
          return pointLatestFromUpload(table, run.tenant, upload, [...latest.values()]);
        },
      };
    },
  };
}

export type BatchRunStore = ReturnType<typeof createBatchRunStore>;
