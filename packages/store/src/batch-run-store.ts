import type { Company, ScorePayload } from '@echo-ridge/engine';
import { createBatchWriter, type BatchWriteOptions } from './batch-writes.js';
import { fileBatchScoreItem, type UploadOrder } from './batch-scores.js';
import type { Sampler } from './reservoir.js';
import { claimChunk, completeBatchRun, createBatchRun, failBatchRun, finishChunk, getBatchRun, releaseChunk, type BatchRun, type ChunkCounts, type Lease, type NewBatchRun } from './batch-runs.js';
import { createTableContext, type StoreOptions } from './store.js';

/**
 * Writes the scores of one chunk: items are grouped 25 to a BatchWriteItem call, several calls in
 * flight. Their keys make the newest upload's the companies' latest scores (batch-scores.ts), so there
 * is nothing else to write.
 */
export interface ScoreWriter {
  /** The score of the line with this member number (batch-scores.ts), and the company's reservoir item when the sampler keeps it. */
  add(member: number, payload: ScorePayload, company: Company): Promise<void>;
  /** Stores what is buffered. */
  flush(): Promise<void>;
}

/**
 * Where a batch's scores sort among uploads. A batch planned before uploads' times and sequencers were
 * kept sorts at its creation, before any upload with a sequencer in the same millisecond.
 */
const uploadOrder = (run: BatchRun): UploadOrder => ({ uploadedAt: run.source.uploaded_at ?? run.created_at, sequencer: run.source.sequencer ?? '0' });

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
      const upload = uploadOrder(run);
      return {
        async add(member, payload, company) {
          await writer.add(fileBatchScoreItem(table, { tenant: run.tenant, batchId: run.batch_id, storedAt: run.created_at, upload, member, payload }));
          // A sampled input rides in the BatchWriteItem calls of the scores: no call of its own.
          const sample = sampleOf(company);
          if (sample) await writer.add(sample);
        },
        flush: () => writer.flush(),
      };
    },
  };
}

export type BatchRunStore = ReturnType<typeof createBatchRunStore>;
