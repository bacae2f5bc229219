import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import type { BatchRecord } from './batch-record.js';
import { batchRecordPut, getBatch, putBatch } from './batches.js';
import { conditionFailedAt } from './cancellation-reasons.js';
import { ConflictError } from './errors.js';
import { uploadNameKey } from './keys.js';
import type { PresignedUpload } from './presigned-urls.js';
import { tableCall } from './retry.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';
import type { TenantId } from './tenant.js';
import type { WriteAttempt } from './write-attempts.js';

/**
 * The uploads `POST /batches` opens: a presigned URL for incoming/<tenant>/<name>.jsonl and the
 * tenant's record of the batch, `awaiting_upload` until the file arrives (README: "Batch uploads").
 *
 * Invariants:
 * - An upload's record is written only after its URL was signed, so that no record stands for a URL
 *   that was never made. Signing is a computation with the function's credentials, but it can fail
 *   (no credentials, an endpoint that does not resolve), and nothing is written then. A record whose
 *   answer was lost after all (the function died after the write, the connection dropped) keeps the
 *   URL's expiry, and reads `expired` once that has passed with no file arrived (getBatch): it does
 *   not wait for a file forever.
 * - A name is held by at most one open batch of the tenant (awaiting its upload, queued or running).
 *   The name's item names the batch that took it last; a batch takes it in the same transaction that
 *   writes its record, and only from the holder read before, and only when that holder has ended
 *   (completed, failed, expired) or is no longer stored. Two open batches of one name would share one
 *   key: on a bucket without versions the second upload replaces the first before its event is read,
 *   and the first batch would never hear of its file.
 */

/** The statuses of a batch that still holds its name. */
const OPEN = new Set<BatchRecord['status']>(['awaiting_upload', 'queued', 'running']);

const NameItemSchema = v.object({ batch_id: v.string() });

/** The name is held by another open batch: `holder` is its record, or undefined when another request took it at the same moment. */
export class BatchNameInUseError extends Error {
  override readonly name = 'BatchNameInUseError';
  constructor(
    readonly fileName: string,
    readonly holder: BatchRecord | undefined,
  ) {
    super(holder ? `the name ${fileName} is held by batch ${holder.batch_id}, ${holder.status}` : `the name ${fileName} was taken by another upload at the same moment`);
  }
}

export interface UploadOpening {
  batchId: string;
  /** The file's name, when the caller gave one: the batch holds it until it ends. Without one, the file is named after the batch, which nobody else can take. */
  name?: string | undefined;
  /** An attempt of an idempotent request: its batch is written again, with the first attempt's time. */
  attempt?: WriteAttempt | undefined;
  /** Signs the upload URL: called once the name is found free, before anything is written. */
  sign: () => Promise<PresignedUpload>;
}

/** The record of a batch whose file a `POST /batches` URL is yet to receive; it reads `expired` after `uploadExpiresAt`. */
export function awaitingUpload(batchId: string, createdAt: string, uploadExpiresAt: string): BatchRecord {
  return { batch_id: batchId, status: 'awaiting_upload', total: 0, successful: 0, failed: 0, created_at: createdAt, completed_at: null, upload_expires_at: uploadExpiresAt };
}

/** The batch that holds a name now, read consistently: the transaction below takes the name from this one only. */
async function nameHolder(table: TableContext, tenant: TenantId, name: string): Promise<string | undefined> {
  const result = await tableCall('read batch name', () => table.client.send(new GetCommand({ TableName: table.tableName, Key: uploadNameKey(tenant, name), ConsistentRead: true })));
  return result.Item && v.parse(NameItemSchema, result.Item).batch_id;
}

/**
 * Opens an upload: refuses a name an open batch holds (BatchNameInUseError), signs the URL, then
 * writes the record (and takes the name) in one transaction. Resolves to the signed upload.
 */
export async function openUpload(table: TableContext, tenant: TenantId, { batchId, name, attempt, sign }: UploadOpening): Promise<PresignedUpload> {
  const createdAt = attempt?.startedAt ?? table.now().toISOString();
  const holder = name === undefined ? undefined : await nameHolder(table, tenant, name);
  // A name held by this very batch was taken by an earlier attempt of the same idempotent request.
  if (name !== undefined && holder !== undefined && holder !== batchId) {
    const held = await getBatch(table, tenant, holder);
    if (held && OPEN.has(held.status)) throw new BatchNameInUseError(name, held);
  }
  const upload = await sign();
  const record = awaitingUpload(batchId, createdAt, upload.expires_at);
  if (name === undefined) {
    await putBatch(table, tenant, record, attempt);
    return upload;
  }
  const takeName =
    holder === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'attribute_not_exists(pk) OR batch_id = :holder', ExpressionAttributeValues: { ':holder': holder } };
  const nameItem = { ...uploadNameKey(tenant, name), batch_id: batchId, [TABLE_KEYS.timeToLive]: table.expiresAt() };
  try {
    await tableCall('open batch upload', () =>
      table.client.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: table.tableName, Item: nameItem, ...takeName } }, { Put: batchRecordPut(table, tenant, record, attempt) }],
        }),
      ),
    );
  } catch (error) {
    if (conditionFailedAt(error, 0)) throw new BatchNameInUseError(name, undefined);
    if (conditionFailedAt(error, 1)) throw new ConflictError(`batch ${batchId} already exists`);
    throw error;
  }
  return upload;
}
