import { BatchQuerySchema, type BatchRecordResponseSchema, type Body } from '@echo-ridge/contract';
import { FileBatchSchema, presignDownload, type FileBatch } from '@echo-ridge/store';
import * as v from 'valibot';
import { notFound } from '../http/errors.js';
import { readQuery } from '../http/query.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { TenantService } from '../service.js';
import { identify } from '../telemetry.js';
import { batchSummary } from './batch-summary.js';

/** How long the output links of a completed batch work; a client that needs more time asks again. */
export const DOWNLOAD_URL_SECONDS = 60 * 60;

async function downloads({ s3, config }: TenantService, file: FileBatch) {
  const link = (key: string) => presignDownload(s3, { bucket: config.BUCKET_NAME, key, expiresInSeconds: DOWNLOAD_URL_SECONDS, now: new Date() });
  const [results, errors] = await Promise.all([link(file.results_key), link(file.errors_key)]);
  return { results, errors };
}

/** GET /batches/{batch_id}[?scores=true&limit=&cursor=]: the batch record, optionally with a page of its scores. */
export async function readBatch({ event, params }: RouteRequest, service: TenantService): Promise<Reply> {
  const { store } = service;
  const batchId = params.batch_id!;
  identify(service, { batch_id: batchId });
  const { scores, limit, cursor } = readQuery(BatchQuerySchema, event);
  const record = await store.getBatch(batchId);
  if (!record) throw notFound(`No batch ${JSON.stringify(batchId)} is stored: use the batch_id that POST /score/batch or POST /batches returned.`);
  const body: Body<typeof BatchRecordResponseSchema> = {
    batch_id: record.batch_id,
    status: record.status,
    created_at: record.created_at,
    completed_at: record.completed_at,
    summary: batchSummary(record.total, record.successful),
  };
  const file = v.safeParse(FileBatchSchema, record);
  if (file.success) {
    body.file = file.output;
    if (record.status === 'completed') body.downloads = await downloads(service, file.output);
  }
  if (scores) {
    const page = await store.batchScores(batchId, { limit, cursor });
    body.scores = page.items.map((stored) => stored.payload);
    body.next_cursor = page.next_cursor;
  }
  return ok(body);
}
