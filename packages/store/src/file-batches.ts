import * as v from 'valibot';
import { TenantIdSchema } from './tenant.js';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The object a file batch scores: `version_id` on a versioned bucket, otherwise the etag pins its content. */
export const BatchSourceSchema = v.object({
  bucket: v.string(),
  key: v.string(),
  etag: v.string(),
  version_id: v.optional(v.string()),
  size: count,
  /** The S3 sequencer of the upload's event: which of two uploads of the key is newer (batch-scores.ts). */
  sequencer: v.optional(v.string()),
  /** When S3 finished the upload (the event's `eventTime`, ISO in UTC): where the batch's scores sort among a company's scores. */
  uploaded_at: v.optional(v.string()),
});
export type BatchSource = v.InferOutput<typeof BatchSourceSchema>;

/**
 * What a batch of a file dropped in the bucket adds to the batch record (batch-runs.ts). Its `total`
 * counts the file's non-blank lines and `successful` the scored ones: lines = scored + failed.
 */
export const FileBatchFields = {
  /** The tenant whose folder of incoming/ the file was put in: its scores and record are that tenant's. */
  tenant: TenantIdSchema,
  source: BatchSourceSchema,
  results_key: v.string(),
  errors_key: v.string(),
  context_version: v.string(),
  /** Absent until the first chunk is claimed (so that the claim can set it with if_not_exists). */
  started_at: v.optional(v.nullable(v.string()), null),
  companies_per_minute: v.nullable(v.number()),
  failure_reason: v.nullable(v.string()),
  chunk_count: count,
  chunks_done: count,
};

export const FileBatchSchema = v.object(FileBatchFields);
export type FileBatch = v.InferOutput<typeof FileBatchSchema>;
