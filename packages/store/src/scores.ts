import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ScorePayloadSchema, type ScorePayload } from '@echo-ridge/engine';
import * as v from 'valibot';
import { createBatchWriter, type TableItem } from './batch-writes.js';
import type { Page, PageRequest } from './cursor.js';
import { tableCall } from './retry.js';
import { batchMemberKey, companyPartition, memberOrder, SCORE_PREFIX, scoreSortKey, tenantBatchMembers } from './keys.js';
import { queryPage, type Listing } from './query-page.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';
import type { TenantId } from './tenant.js';
import type { WriteAttempt } from './write-attempts.js';

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

/**
 * The table item of a tenant's stored score. Every writer of scores builds its items here, so that the
 * API's scores, the API's batches and file batches are all read back alike, each in its tenant's partition.
 * The sort key orders the company's scores by arrival (keys.ts): by default the time it was stored, then
 * its index in its request's batch, if any, then its id.
 */
export function scoreItem(table: Pick<TableContext, 'expiresAt'>, tenant: TenantId, stored: StoredScore, sortKey = apiScoreSortKey(stored)): TableItem {
  const { company_id, batch_id, batch_index, payload } = stored;
  return {
    pk: companyPartition(tenant, company_id),
    sk: sortKey,
    ...(batch_id !== undefined && batch_index !== undefined && batchMemberKey(tenant, batch_id, batch_index)),
    ...stored,
    payload: JSON.stringify(payload),
    [TABLE_KEYS.timeToLive]: table.expiresAt(),
  };
}

const apiScoreSortKey = ({ stored_at, batch_index, score_id }: StoredScore) =>
  scoreSortKey(stored_at, batch_index === undefined ? score_id : `${memberOrder(batch_index)}#${score_id}`);

const newScore = (payload: ScorePayload, storedAt: string): StoredScore => ({
  score_id: randomUUID(),
  company_id: payload.company_id,
  stored_at: storedAt,
  payload,
});

/**
 * Stores one new score under a fresh key (a random UUID, so no other item has it), or, for an attempt
 * of an idempotent request, under the request's key, replacing what an earlier attempt of the same
 * request stored there and nothing else. Being the newest of its company's scores makes it the latest.
 * The put takes no condition: when DynamoDB applied it and its answer was lost, the SDK sends it again,
 * and a condition that the key be new would turn that stored score into a failure. Without one the
 * second put rewrites the same item.
 */
export async function putScore(table: TableContext, tenant: TenantId, payload: ScorePayload, attempt?: WriteAttempt): Promise<StoredScore> {
  const stored = attempt ? { score_id: attempt.id, company_id: payload.company_id, stored_at: attempt.startedAt, payload } : newScore(payload, table.now().toISOString());
  await tableCall('put score', () => table.client.send(new PutCommand({ TableName: table.tableName, Item: scoreItem(table, tenant, stored) })));
  return stored;
}

export interface BatchMember {
  /** Position in the batch's input, counted from 0. */
  index: number;
  payload: ScorePayload;
}

/**
 * Stores the scores of a new batch 25 to a BatchWriteItem call, several calls at once. That call takes
 * no condition, and needs none here: every item's key holds a score id made for it a moment ago, or,
 * for an attempt of an idempotent request, `<batch_id>-<index>` stored at the first attempt's time, so
 * that a later attempt replaces what an earlier one wrote instead of adding to it. The whole batch is
 * stored at one time and its members sort by index, so a company twice in it has its last member as
 * its latest score.
 */
export async function writeBatchScores(table: TableContext, tenant: TenantId, batchId: string, members: readonly BatchMember[], attempt?: WriteAttempt): Promise<StoredScore[]> {
  const writer = createBatchWriter(table);
  const stored: StoredScore[] = [];
  const storedAt = attempt?.startedAt ?? table.now().toISOString();
  for (const { index, payload } of members) {
    const fresh = attempt ? { score_id: `${batchId}-${index}`, company_id: payload.company_id, stored_at: storedAt, payload } : newScore(payload, storedAt);
    const score = { ...fresh, batch_id: batchId, batch_index: index };
    stored.push(score);
    await writer.add(scoreItem(table, tenant, score));
  }
  await writer.flush();
  return stored;
}

const COMPANY_SCORE_KEY = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey] as const;

function companyScores(tenant: TenantId, companyId: string): Listing {
  const pk = companyPartition(tenant, companyId);
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

/** A tenant's company's latest score: the first of its scores in arrival order, newest first (keys.ts). */
export async function latestScore(table: TableContext, tenant: TenantId, companyId: string): Promise<StoredScore | undefined> {
  const page = await queryPage(table, companyScores(tenant, companyId), { limit: 1 });
  return page.items[0] && v.parse(ScoreItemSchema, page.items[0]);
}

/** A tenant's company's scores, newest first. */
export async function scoreHistory(table: TableContext, tenant: TenantId, companyId: string, page: PageRequest): Promise<Page<StoredScore>> {
  const result = await queryPage(table, companyScores(tenant, companyId), page);
  return { items: result.items.map((item) => v.parse(ScoreItemSchema, item)), next_cursor: result.next_cursor };
}

const BATCH_MEMBER_KEY = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, TABLE_KEYS.gsi1.partitionKey, TABLE_KEYS.gsi1.sortKey] as const;

/** The scores of a tenant's batch, in input order. */
export async function batchScores(table: TableContext, tenant: TenantId, batchId: string, page: PageRequest): Promise<Page<StoredScore>> {
  const gsi1pk = tenantBatchMembers(tenant, batchId);
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
