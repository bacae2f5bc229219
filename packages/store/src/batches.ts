import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { BatchRecordSchema, type BatchRecord } from './batch-record.js';
import { ConflictError } from './errors.js';
import { tableCall } from './retry.js';
import { batchKey, tenantBatchKey } from './keys.js';
import { DEV_TENANT, type TenantId } from './tenant.js';
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
 * A tenant's batch record: one it sent through the API, or, for the dev tenant, a file batch (files
 * are not partitioned by tenant yet, and the local inbox belongs to the dev tenant). Another tenant's
 * batch is simply not found.
 */
export async function getBatch(table: TableContext, tenant: TenantId, batchId: string): Promise<BatchRecord | undefined> {
  const own = await readRecord(table, tenantBatchKey(tenant, batchId));
  if (own || tenant !== DEV_TENANT) return own;
  return readRecord(table, batchKey(batchId));
}
