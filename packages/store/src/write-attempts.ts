import { createHash } from 'node:crypto';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { conditionFailedAt } from './cancellation-reasons.js';
import type { CountersKey } from './counters.js';
import { idempotencyPartition } from './keys.js';
import { tableCall } from './retry.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';
import type { TenantId } from './tenant.js';

/**
 * The attempts of an idempotent write (README: "Idempotent writes"). A request sent again with the same
 * `Idempotency-Key` must store nothing new, even when its first attempt failed half-way (the
 * idempotency record that Powertools keeps is deleted when an attempt fails, so the next one runs
 * again). Invariant: one attempt item per tenant, operation and key, created by the first attempt with
 * its start time and never changed after, except `counted`, which is set once, in the same transaction
 * that adds to the tenant's counters. Every attempt of the request therefore writes the same keys (ids
 * derived from the key, times from the first attempt) and counts its scores once.
 */

export interface WriteAttempt {
  /** Derived from tenant, operation and key: the id of what the request writes (a score, a batch). */
  id: string;
  /** When the first attempt started: every attempt stores its items "at" this time. */
  startedAt: string;
  /** The attempt item, which records that the request's scores were counted. */
  key: CountersKey;
}

const AttemptItemSchema = v.object({ started_at: v.string() });

/** 128 bits of SHA-256: as collision-free as a random UUID, and the same for every attempt. */
export function writeId(tenant: TenantId, operation: string, idempotencyKey: string): string {
  return createHash('sha256').update(JSON.stringify([tenant, operation, idempotencyKey])).digest('hex').slice(0, 32);
}

/**
 * The request's attempt item, created by the first attempt and read back by every later one, in one
 * call: `if_not_exists` keeps the first start time. It lives as long as the idempotency record.
 */
export async function claimAttempt(table: TableContext, tenant: TenantId, operation: string, idempotencyKey: string, ttlSeconds: number): Promise<WriteAttempt> {
  const id = writeId(tenant, operation, idempotencyKey);
  const key = { pk: idempotencyPartition(tenant), sk: `ATTEMPT#${id}` };
  const now = table.now();
  const result = await tableCall('claim write attempt', () =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'SET started_at = if_not_exists(started_at, :now), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': TABLE_KEYS.timeToLive },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':ttl': Math.floor(now.getTime() / 1000) + ttlSeconds },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return { id, startedAt: v.parse(AttemptItemSchema, result.Attributes).started_at, key };
}

/** Adds `count` to the counters unless an earlier attempt of the same request already did. */
export async function addOnce(table: TableContext, attempt: WriteAttempt, counters: CountersKey, count: number): Promise<void> {
  try {
    await tableCall('count scores once', () =>
      table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table.tableName,
                Key: attempt.key,
                UpdateExpression: 'SET counted = :count',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(counted)',
                ExpressionAttributeValues: { ':count': count },
              },
            },
            {
              Update: {
                TableName: table.tableName,
                Key: counters,
                UpdateExpression: 'ADD companies_scored :count',
                ExpressionAttributeValues: { ':count': count },
              },
            },
          ],
        }),
      ),
    );
  } catch (error) {
    // The attempt item's condition failed: an earlier attempt counted already.
    if (conditionFailedAt(error, 0)) return;
    throw error;
  }
}
