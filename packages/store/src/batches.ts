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
 * Creates a tenant's batch record; a second writer of the same batch id gets ConflictError instead of
 * overwriting it. An attempt of an idempotent request (whose batch id derives from its key) writes its
 * record again instead, replacing the one an earlier attempt of the same request wrote.
 */
export async function putBatch(table: TableContext, tenant: TenantId, record: BatchRecord, attempt?: WriteAttempt): Promise<void> {
  const item = { ...tenantBatchKey(tenant, record.batch_id), ...record, [TABLE_KEYS.timeToLive]: table.expiresAt() };
  const condition = attempt ? {} : { ConditionExpression: 'attribute_not_exists(pk)' };
  try {
    await tableCall('put batch', () => table.client.send(new PutCommand({ TableName: table.tableName, Item: item, ...condition })));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`batch ${record.batch_id} already exists`);
    throw error;
  }
}

async function readRecord(table: TableContext, key: { pk: string; sk: string }): Promise<BatchRecord | undefined> {
  const result = await tableCall('get batch', () => table.client.send(new GetCommand({ TableName: table.tableName, Key: key })));
  return result.Item && v.parse(BatchRecordSchema, result.Item);
}

/**
 * A tenant's batch record: one it sent through the API, or a file batch of a file in its folder of
 * incoming/ (whose record, with the chunk leases, lives under the batch alone: batch-runs.ts). Until
 * the file of a `POST /batches` upload arrives, the record that call left stands in for it. Another
 * tenant's batch is simply not found.
 */
export async function getBatch(table: TableContext, tenant: TenantId, batchId: string): Promise<BatchRecord | undefined> {
  const own = await readRecord(table, tenantBatchKey(tenant, batchId));
  if (own && own.status !== 'awaiting_upload') return own;
  const file = await readRecord(table, batchKey(batchId));
  return file?.tenant === tenant ? file : own;
}

/** The record of a batch whose file a `POST /batches` URL is yet to receive. */
export function awaitingUpload(batchId: string, createdAt: string): BatchRecord {
  return { batch_id: batchId, status: 'awaiting_upload', total: 0, successful: 0, failed: 0, created_at: createdAt, completed_at: null };
}
