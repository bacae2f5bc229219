import { randomUUID } from 'node:crypto';
import { BatchUploadRequestSchema, type BatchUploadResponseSchema, type Body } from '@echo-ridge/contract';
import { validateWith } from '@echo-ridge/engine';
import { inputKey, presignUpload, type WriteAttempt } from '@echo-ridge/store';
import { BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { unprocessable } from '../http/errors.js';
import type { Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { TenantService } from '../service.js';
import { identify } from '../telemetry.js';

/**
 * How long an upload URL works. Fifteen minutes carries a 5 GiB PUT at 6 MB/s, and a URL that leaks
 * is worth little for long; the URL also dies with the function's role session, which outlives it.
 */
export const UPLOAD_URL_SECONDS = 15 * 60;

/** 32 hex digits in a UUID's groups: upload batch ids are UUIDs (UploadBatchIdSchema), file batch ids are not. */
const asUuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/**
 * POST /batches: a presigned PUT URL for incoming/<tenant>/<name>.jsonl, and the id of the batch the
 * file will become, readable at once (awaiting_upload) at GET /batches/{batch_id}.
 */
export async function createBatchUpload({ event }: RouteRequest, service: TenantService, attempt?: WriteAttempt): Promise<Reply> {
  const { store, s3, config } = service;
  const request = validateWith(BatchUploadRequestSchema, readJsonBody(event, BODY_LIMIT_BYTES));
  if (!request.ok) throw unprocessable('The upload request is invalid: fix the fields listed in issues.', request.issues);
  // Every attempt of a request with Idempotency-Key names the same batch (and so the same upload).
  const batchId = attempt ? asUuid(attempt.id) : randomUUID();
  identify(service, { batch_id: batchId });
  const key = inputKey(store.tenant, request.value.name ?? batchId);
  await store.awaitUpload(batchId, attempt);
  const upload = await presignUpload(s3, batchId, { bucket: config.BUCKET_NAME, key, expiresInSeconds: UPLOAD_URL_SECONDS, now: new Date() });
  const body: Body<typeof BatchUploadResponseSchema> = { batch_id: batchId, status: 'awaiting_upload', key, upload };
  return { statusCode: 201, body };
}
