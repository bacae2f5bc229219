import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ScorePayloadSchema, type ScorePayload } from '@echo-ridge/engine';
import * as v from 'valibot';
import type { Page, PageRequest } from './cursor.js';
import { ConflictError, tableCall } from './errors.js';
import { batchMemberKey, batchPartition, companyPartition, SCORE_PREFIX, scoreSortKey } from './keys.js';
import { queryPage, type Listing } from './query-page.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';

export const StoredScoreSchema = v.object({
  score_id: v.string(),
  company_id: v.string(),
  stored_at: v.string(),
  batch_id: v.optional(v.string()),
  /** Member position in its batch's input, counted from 0. */
  batch_index: v.optional(v.number()),
  payload: ScorePayloadSchema,
});
export type StoredScore = v.InferOutput<typeof StoredScoreSchema>;

/**
 * The payload is kept as the JSON text the engine produced: a DynamoDB map would lose the documented
 * key order and pass every number through a decimal conversion.
 */
const ScoreItemSchema = v.object({
  ...StoredScoreSchema.entries,
  payload: v.pipe(v.string(), v.parseJson(), ScorePayloadSchema),
});

export interface NewScore {
  payload: ScorePayload;
  batch?: { batchId: string; index: number };
}

/** Enough parallel writes to fill a batch quickly without exhausting the HTTP agent's sockets. */
const WRITE_CONCURRENCY = 16;

/** Stores new scores, each under a fresh key and a condition, so that no write can replace another. */
export async function putScores(table: TableContext, scores: readonly NewScore[]): Promise<StoredScore[]> {
  return mapConcurrently(scores, WRITE_CONCURRENCY, (score) => putScore(table, score));
}

async function putScore(table: TableContext, { payload, batch }: NewScore): Promise<StoredScore> {
  const stored: StoredScore = {
    score_id: randomUUID(),
    company_id: payload.company_id,
    stored_at: table.now().toISOString(),
    ...(batch && { batch_id: batch.batchId, batch_index: batch.index }),
    payload,
  };
  const item = {
    pk: companyPartition(stored.company_id),
    sk: scoreSortKey(stored.stored_at, stored.score_id),
    ...(batch && batchMemberKey(batch.batchId, batch.index)),
    ...stored,
    payload: JSON.stringify(payload),
    [TABLE_KEYS.timeToLive]: table.expiresAt(),
  };
  try {
    await tableCall('put score', () =>
      table.client.send(new PutCommand({ TableName: table.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`score ${stored.score_id} of company ${stored.company_id} already exists`);
    throw error;
  }
  return stored;
}

const COMPANY_SCORE_KEY = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey] as const;

function companyScores(companyId: string): Listing {
  const pk = companyPartition(companyId);
  return {
    operation: 'query scores of a company',
    query: {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': SCORE_PREFIX },
      ScanIndexForward: false,
    },
    keyAttributes: COMPANY_SCORE_KEY,
    partition: { pk },
  };
}

/** The most recently stored score of a company, if any. */
export async function latestScore(table: TableContext, companyId: string): Promise<StoredScore | undefined> {
  const page = await queryPage(table, companyScores(companyId), { limit: 1 });
  return page.items[0] && v.parse(ScoreItemSchema, page.items[0]);
}

/** A company's scores, newest first. */
export async function scoreHistory(table: TableContext, companyId: string, page: PageRequest): Promise<Page<StoredScore>> {
  const result = await queryPage(table, companyScores(companyId), page);
  return { items: result.items.map((item) => v.parse(ScoreItemSchema, item)), next_cursor: result.next_cursor };
}

const BATCH_MEMBER_KEY = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, TABLE_KEYS.gsi1.partitionKey, TABLE_KEYS.gsi1.sortKey] as const;

/** The scores of a batch, in input order. */
export async function batchScores(table: TableContext, batchId: string, page: PageRequest): Promise<Page<StoredScore>> {
  const gsi1pk = batchPartition(batchId);
  const result = await queryPage(
    table,
    {
      operation: 'query scores of a batch',
      query: {
        IndexName: TABLE_KEYS.gsi1.indexName,
        KeyConditionExpression: 'gsi1pk = :gsi1pk',
        ExpressionAttributeValues: { ':gsi1pk': gsi1pk },
      },
      keyAttributes: BATCH_MEMBER_KEY,
      partition: { gsi1pk },
    },
    page,
  );
  return { items: result.items.map((item) => v.parse(ScoreItemSchema, item)), next_cursor: result.next_cursor };
}

/** Runs `task` over `items` with at most `limit` in flight; after a failure it starts no new task. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
