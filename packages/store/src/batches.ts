import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { BatchRecordSchema, type BatchRecord } from './batch-record.js';
import { ConflictError } from './errors.js';
import { tableCall } from './retry.js';
import { batchKey } from './keys.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';

/** Creates a batch record; a second writer of the same batch id gets ConflictError instead of overwriting it. */
export async function putBatch(table: TableContext, record: BatchRecord): Promise<void> {
  const item = { ...batchKey(record.batch_id), ...record, [TABLE_KEYS.timeToLive]: table.expiresAt() };
  try {
    await tableCall('put batch', () =>
      table.client.send(new PutCommand({ TableName: table.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`batch ${record.batch_id} already exists`);
    throw error;
  }
}

export async function getBatch(table: TableContext, batchId: string): Promise<BatchRecord | undefined> {
  const result = await tableCall('get batch', () => table.client.send(new GetCommand({ TableName: table.tableName, Key: batchKey(batchId) })));
  return result.Item && v.parse(BatchRecordSchema, result.Item);
}
