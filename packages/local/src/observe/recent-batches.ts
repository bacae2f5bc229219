import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { batchIdFor } from '@echo-ridge/batch';
import type { BatchRunStore } from '@echo-ridge/store';

export interface BatchProgress {
  batch_id: string;
  file: string;
  status: string;
  total: number;
  successful: number;
  failed: number;
  chunks_done: number;
  chunk_count: number;
  created_at: string;
}

/**
 * The newest batch files dropped in the bucket (`incoming/`, from the inbox or `aws s3 cp`) and each
 * one's record: the batch id is what the function derives from the object, so no hook in the
 * pipeline is needed. A file whose record is not written yet shows as queued.
 */
export async function recentBatches(s3: S3Client, bucket: string, runs: BatchRunStore, limit = 10): Promise<BatchProgress[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'incoming/' }));
  const objects = (listed.Contents ?? [])
    .filter((object) => object.Key?.endsWith('.jsonl'))
    .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
    .slice(0, limit);
  return Promise.all(
    objects.map(async (object) => {
      const batchId = batchIdFor({ bucket, key: object.Key!, etag: object.ETag ?? '' });
      const run = await runs.get(batchId);
      const created = object.LastModified?.toISOString() ?? '';
      return run
        ? { batch_id: batchId, file: object.Key!, status: run.status, total: run.total, successful: run.successful, failed: run.failed, chunks_done: run.chunks_done, chunk_count: run.chunk_count, created_at: run.created_at }
        : { batch_id: batchId, file: object.Key!, status: 'queued', total: 0, successful: 0, failed: 0, chunks_done: 0, chunk_count: 0, created_at: created };
    }),
  );
}
