import * as v from 'valibot';
import { FileBatchFields } from './file-batches.js';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * What `GET /batches/{batch_id}` reports; counts reconcile: total = successful + failed. A batch of a
 * file dropped in the bucket is queued until its first chunk starts, and has the file's fields; one
 * made by `POST /batches` is awaiting_upload until its file arrives, or `expired` when its upload URL
 * expired first (a status read, never stored: batch-uploads.ts).
 */
export const BatchRecordSchema = v.object({
  batch_id: v.string(),
  status: v.picklist(['awaiting_upload', 'expired', 'queued', 'running', 'completed', 'failed']),
  total: count,
  successful: count,
  failed: count,
  created_at: v.string(),
  completed_at: v.nullable(v.string()),
  /** An upload's: when its URL stops working. */
  upload_expires_at: v.optional(v.string()),
  ...v.partial(v.object(FileBatchFields)).entries,
});
export type BatchRecord = v.InferOutput<typeof BatchRecordSchema>;
