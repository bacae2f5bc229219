import { randomUUID } from 'node:crypto';
import { BatchUploadRequestSchema, type BatchUploadResponseSchema, type Body } from '@echo-ridge/contract';
import { validateWith } from '@echo-ridge/engine';
import { BatchNameInUseError, inputKey, presignUpload, type WriteAttempt } from '@echo-ridge/store';
import { BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { batchNameInUse, unprocessable, type HttpError } from '../http/errors.js';
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
 * Why the name cannot be had now, and what to do. An upload that waits for its file frees the name
 * when its URL expires, which Retry-After counts down to.
 */
function nameInUse({ fileName, holder }: BatchNameInUseError): HttpError {
  const fix = 'wait until it ends, or send another name';
  if (!holder) return batchNameInUse(fileName, `is being taken by another POST /batches at this moment: ${fix}`);
  if (holder.status !== 'awaiting_upload' || holder.upload_expires_at === undefined) {
    return batchNameInUse(fileName, `is held by batch ${holder.batch_id}, ${holder.status}: ${fix} (GET /batches/${holder.batch_id} follows it)`);
  }
  const seconds = Math.max(1, Math.ceil((Date.parse(holder.upload_expires_at) - Date.now()) / 1000));
  return batchNameInUse(fileName, `is held by batch ${holder.batch_id}, awaiting its upload until ${holder.upload_expires_at}: upload its file, or ${fix}`, seconds);
}

/**
 * POST /batches: a presigned PUT URL for incoming/<tenant>/<name>.jsonl, and the id of the batch the
 * file will become, readable at once (awaiting_upload) at GET /batches/{batch_id}. The URL is signed
 * before the record is written (batch-uploads.ts in the store): a signing that fails leaves nothing
 * behind, and a record whose answer was lost reads `expired` once the URL has. A name held by a batch
 * that has not ended is refused with 409: two open batches of one name would share one key, and on a
 * bucket without versions the later upload would replace the earlier one's file unseen.
 */
export async function createBatchUpload({ event }: RouteRequest, service: TenantService, attempt?: WriteAttempt): Promise<Reply> {
  const { store, s3, config } = service;
  const request = validateWith(BatchUploadRequestSchema, readJsonBody(event, BODY_LIMIT_BYTES));
  if (!request.ok) throw unprocessable('The upload request is invalid: fix the fields listed in issues.', request.issues);
  // Every attempt of a request with Idempotency-Key names the same batch (and so the same upload).
  const batchId = attempt ? asUuid(attempt.id) : randomUUID();
  identify(service, { batch_id: batchId });
  const { name } = request.value;
  const key = inputKey(store.tenant, name ?? batchId);
  const sign = () => presignUpload(s3, batchId, { bucket: config.BUCKET_NAME, key, expiresInSeconds: UPLOAD_URL_SECONDS, now: new Date() });
  const upload = await store.openUpload({ batchId, name, attempt, sign }).catch((error: unknown) => {
    throw error instanceof BatchNameInUseError ? nameInUse(error) : error;
  });
  const body: Body<typeof BatchUploadResponseSchema> = { batch_id: batchId, status: 'awaiting_upload', key, upload };
  return { statusCode: 201, body };
}
