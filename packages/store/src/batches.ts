import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { BatchRecordSchema, type BatchRecord } from './batch-record.js';
import { ConflictError } from './errors.js';
import { tableCall } from './retry.js';
import { batchKey, tenantBatchKey } from './keys.js';
import type { TenantId } from './tenant.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';
import type { WriteAttempt } from './write-attempts.js';

/**
 * The put of a tenant's batch record, alone (putBatch) or in a transaction (batch-uploads.ts): a new
 * batch's record is never overwritten; an attempt of an idempotent request (whose batch id derives
 * from its key) writes its record again instead, replacing the one an earlier attempt wrote.
 */
export function batchRecordPut(table: TableContext, tenant: TenantId, record: BatchRecord, attempt?: WriteAttempt) {
  const item = { ...tenantBatchKey(tenant, record.batch_id), ...record, [TABLE_KEYS.timeToLive]: table.expiresAt() };
  return { TableName: table.tableName, Item: item, ...(attempt ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }) };
}

/** Creates a tenant's batch record; a second writer of the same batch id gets ConflictError instead of overwriting it. */
export async function putBatch(table: TableContext, tenant: TenantId, record: BatchRecord, attempt?: WriteAttempt): Promise<void> {
  try {
    await tableCall('put batch', () => table.client.send(new PutCommand(batchRecordPut(table, tenant, record, attempt))));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`batch ${record.batch_id} already exists`);
    throw error;
  }
}

/**
 * A tenant's batch record: one it sent through the API, or a file batch of a file in its folder of
 * incoming/ (whose record, with the chunk leases, lives under the batch alone: batch-runs.ts). Until
 * the file of a `POST /batches` upload arrives, the record that call left stands in for it, and once
 * its URL has expired with no file arrived, it reads `expired`. Another tenant's batch is simply not
 * found.
 *
 * Both places are read at once, one GetItem each in parallel: an id does not tell which kind of batch
 * it names (upload and API batch ids are both UUIDs, file and idempotent API batch ids both 32 hex
 * digits), and the common polls, of a file batch or of an upload once its file arrived, would
 * otherwise wait for two reads one after the other. Not TransactGetItems: it would cost 4 read units
 * instead of 1 and be cancelled by any write in flight to the batch, which a running batch makes at
 * every chunk. Not BatchGetItem: a grant more, and unprocessed keys to send again.
 */
export async function getBatch(table: TableContext, tenant: TenantId, batchId: string): Promise<BatchRecord | undefined> {
  const read = (Key: Record<string, string>) => tableCall('get batch', () => table.client.send(new GetCommand({ TableName: table.tableName, Key })));
  const [own, file] = (await Promise.all([read(tenantBatchKey(tenant, batchId)), read(batchKey(batchId))])).map((result) => result.Item);
  const record = (item: Record<string, unknown>) => v.parse(BatchRecordSchema, item);
  if (own && own['status'] !== 'awaiting_upload') return record(own);
  if (file?.['tenant'] === tenant) return record(file);
  return own && uploadAsOf(record(own), table.now());
}

/** An upload whose URL has expired with no file arrived is over: it reads `expired` (batch-uploads.ts). */
function uploadAsOf(upload: BatchRecord, now: Date): BatchRecord {
  const lapsed = upload.upload_expires_at !== undefined && Date.parse(upload.upload_expires_at) <= now.getTime();
  return lapsed ? { ...upload, status: 'expired' } : upload;
}
