import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { BatchRecordSchema } from './batch-record.js';
import { conditionFailedAt } from './cancellation-reasons.js';
import { tableCall } from './retry.js';
import { FileBatchFields, type BatchSource } from './file-batches.js';
import { batchKey, COUNTERS_KEY, tenantCountersKey } from './keys.js';
import type { TenantId } from './tenant.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';

/**
 * A file batch: one JSONL object of the bucket scored in line-aligned byte ranges ("chunks"), each
 * claimed under a lease by one invocation at a time. Its record is the batch record of
 * `GET /batches/{batch_id}` with the file's fields, plus the chunk plan, the set of finished chunks and
 * the live leases; every transition is one conditional write on that single item, so concurrent
 * invocations agree on who works on what and who finishes the batch.
 *
 * Invariant: `total = successful + failed` is the sum of the counts of the chunks in `finished_chunks`,
 * each added exactly once; `chunks_done` is the size of that set; a batch is `completed` only when
 * every chunk is finished and its final objects were joined, and its scores are in `companies_scored`
 * (the service's and its tenant's) exactly once, from that completion; a `failed` batch never changes again.
 *
 * Transitions (each a conditional write; a refused one changes nothing):
 * - create: none → `queued` (or straight to `failed` for a file that is not UTF-8 text); the first
 *   writer wins and every later delivery reads its plan;
 * - claim chunk i: `queued | running` → `running`, while i is unfinished and its lease absent or expired;
 * - finish chunk i: `running` → `running`, by i's lease holder only, once: adds i's counts and i;
 * - release chunk i: drops the holder's lease after a failure, so that the retry need not wait for it;
 * - fail: `queued | running` → `failed` (the input changed mid-batch): no chunk finishes after it, so
 *   a failed batch neither counts nor joins;
 * - complete: `running` with every chunk finished → `completed`, with `companies_scored` in the same
 *   transaction. The caller joins the parts before and deletes them only after it (or after finding
 *   the batch completed): a completion that fails finds its parts intact on the retry, and a repeated
 *   one changes nothing.
 */

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * Bytes [start, end) of the object, starting on a line start. `newlines`, the chunk's newline bytes,
 * is recorded when the chunk finishes: the lines before a chunk are the sum of its predecessors'.
 */
export const ChunkSchema = v.object({ index: count, start: count, end: count, newlines: v.optional(count) });
export type Chunk = v.InferOutput<typeof ChunkSchema>;

/** `until` is in epoch milliseconds: after it, the holder's invocation has certainly ended. */
const LeaseSchema = v.object({ owner: v.string(), until: count });
export type Lease = v.InferOutput<typeof LeaseSchema>;

export const BatchRunSchema = v.object({
  ...BatchRecordSchema.entries,
  ...FileBatchFields,
  chunks: v.array(ChunkSchema),
  finished_chunks: v.optional(v.set(count), () => new Set<number>()),
  /** Keyed by chunk index; absent when nobody holds the chunk. */
  leases: v.record(v.string(), LeaseSchema),
});
export type BatchRun = v.InferOutput<typeof BatchRunSchema>;

export interface NewBatchRun {
  batch_id: string;
  tenant: TenantId;
  source: BatchSource;
  chunks: Chunk[];
  context_version: string;
  results_key: string;
  errors_key: string;
  /** A file that cannot be read as UTF-8 text is recorded as failed straight away, with the reason. */
  failure_reason?: string | undefined;
}

export interface LineCounts {
  /** Non-blank lines: scored + failed. */
  lines: number;
  scored: number;
  failed: number;
}

export interface ChunkCounts extends LineCounts {
  /** Newline bytes in the chunk, blank lines included: how far the next chunk's line numbers move. */
  newlines: number;
}

const parseRun = (item: Record<string, unknown>) => v.parse(BatchRunSchema, item);

export async function getBatchRun(table: TableContext, batchId: string): Promise<BatchRun | undefined> {
  const result = await tableCall('get batch run', () =>
    table.client.send(new GetCommand({ TableName: table.tableName, Key: batchKey(batchId), ConsistentRead: true })),
  );
  return result.Item && parseRun(result.Item);
}

/**
 * Records a new batch, or returns the one already recorded under the same id: every delivery of the
 * same object's event plans the same batch, and the first to write wins.
 */
export async function createBatchRun(table: TableContext, draft: NewBatchRun): Promise<BatchRun> {
  const failed = draft.failure_reason !== undefined;
  const createdAt = table.now().toISOString();
  const run: BatchRun = {
    batch_id: draft.batch_id,
    status: failed ? 'failed' : 'queued',
    total: 0,
    successful: 0,
    failed: 0,
    created_at: createdAt,
    completed_at: failed ? createdAt : null,
    tenant: draft.tenant,
    source: draft.source,
    results_key: draft.results_key,
    errors_key: draft.errors_key,
    context_version: draft.context_version,
    started_at: null,
    companies_per_minute: null,
    failure_reason: draft.failure_reason ?? null,
    chunk_count: draft.chunks.length,
    chunks_done: 0,
    chunks: draft.chunks,
    finished_chunks: new Set(),
    leases: {},
  };
  // DynamoDB has no empty sets: finished_chunks comes into being with the first finished chunk; and
  // started_at is left out so that the first claim's if_not_exists sets it (a NULL would stay).
  const { finished_chunks: _none, started_at: _notYet, ...item } = run;
  try {
    await tableCall('create batch run', () =>
      table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...batchKey(run.batch_id), ...item, [TABLE_KEYS.timeToLive]: table.expiresAt() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return run;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await getBatchRun(table, run.batch_id);
    if (!existing) throw new Error(`batch ${run.batch_id} vanished while being created`, { cause: error });
    return existing;
  }
}

export interface ClaimResult {
  claimed: boolean;
  run: BatchRun;
}

/**
 * Takes the lease of one chunk: only while the batch is open, the chunk unfinished, and its lease
 * absent or expired (its holder died). The batch becomes running with its first claim. When the claim
 * is refused, the record as it stands says why.
 */
export async function claimChunk(table: TableContext, batchId: string, index: number, lease: Lease): Promise<ClaimResult> {
  const now = table.now();
  try {
    const result = await tableCall('claim chunk', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: batchKey(batchId),
          UpdateExpression: 'SET leases.#chunk = :lease, #status = :running, started_at = if_not_exists(started_at, :now)',
          ConditionExpression:
            '#status IN (:queued, :running) AND NOT contains(finished_chunks, :index) AND (attribute_not_exists(leases.#chunk) OR leases.#chunk.#until < :nowMs)',
          ExpressionAttributeNames: { '#chunk': String(index), '#status': 'status', '#until': 'until' },
          ExpressionAttributeValues: {
            ':lease': lease,
            ':queued': 'queued',
            ':running': 'running',
            ':index': index,
            ':now': now.toISOString(),
            ':nowMs': now.getTime(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { claimed: true, run: parseRun(result.Attributes!) };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const run = await getBatchRun(table, batchId);
    if (!run) throw new Error(`batch ${batchId} has no record to claim a chunk of`, { cause: error });
    // A claim that was applied but whose answer was lost is refused when the SDK sends it again: the
    // lease it finds is this very one.
    const held = run.leases[String(index)];
    const ours = held?.owner === lease.owner && held.until === lease.until && run.status === 'running' && !run.finished_chunks.has(index);
    return { claimed: ours, run };
  }
}

/**
 * Adds a finished chunk's counts to the batch, records its newlines on its plan entry and drops its
 * lease, in one atomic write that only its lease holder can make once, and only while the batch runs. The returned record tells the caller
 * whether it finished the last chunk. Undefined means nothing was added: the lease was lost (another
 * invocation took the chunk over) or the batch failed meanwhile.
 */
export async function finishChunk(table: TableContext, batchId: string, index: number, owner: string, counts: ChunkCounts): Promise<BatchRun | undefined> {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`chunk index ${index} is not a whole number`);
  try {
    const result = await tableCall('finish chunk', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: batchKey(batchId),
          // A list element's index cannot be a placeholder; it is a whole number from the caller's plan.
          UpdateExpression: `SET chunks[${index}].newlines = :newlines ADD chunks_done :one, #total :lines, successful :scored, #failed :failed, finished_chunks :indexSet REMOVE leases.#chunk`,
          ConditionExpression: '#status = :running AND leases.#chunk.#owner = :owner AND NOT contains(finished_chunks, :index)',
          ExpressionAttributeNames: { '#chunk': String(index), '#owner': 'owner', '#total': 'total', '#failed': 'failed', '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':lines': counts.lines,
            ':scored': counts.scored,
            ':failed': counts.failed,
            ':newlines': counts.newlines,
            ':indexSet': new Set([index]),
            ':owner': owner,
            ':index': index,
            ':running': 'running',
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return parseRun(result.Attributes!);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Gives a chunk back after a failure, so that the retry need not wait for the lease to expire. */
export async function releaseChunk(table: TableContext, batchId: string, index: number, owner: string): Promise<void> {
  try {
    await tableCall('release chunk', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: batchKey(batchId),
          UpdateExpression: 'REMOVE leases.#chunk',
          ConditionExpression: 'leases.#chunk.#owner = :owner',
          ExpressionAttributeNames: { '#chunk': String(index), '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Scored companies per minute between the batch's start and finish; null when no time passed. */
export function companiesPerMinute(scored: number, startedAt: string, finishedAt: Date): number | null {
  const minutes = (finishedAt.getTime() - Date.parse(startedAt)) / 60_000;
  return minutes > 0 ? Math.round(scored / minutes) : null;
}

/**
 * Completes a batch whose chunks are all finished, and adds its scores to the service-wide count in
 * the same transaction, so that a repeated completion (two last chunks, a redelivered event) neither
 * changes the record nor counts twice. Returns the completed record, or undefined when the batch was
 * no longer running.
 */
export async function completeBatchRun(table: TableContext, run: BatchRun): Promise<(BatchRun & { completed_at: string }) | undefined> {
  const finishedAt = table.now();
  const completed = {
    ...run,
    status: 'completed' as const,
    completed_at: finishedAt.toISOString(),
    companies_per_minute: companiesPerMinute(run.successful, run.started_at ?? run.created_at, finishedAt),
  };
  try {
    await tableCall('complete batch run', () =>
      table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table.tableName,
                Key: batchKey(run.batch_id),
                UpdateExpression: 'SET #status = :completed, completed_at = :finished, companies_per_minute = :rate',
                ConditionExpression: '#status = :running AND chunks_done = chunk_count',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':completed': 'completed',
                  ':running': 'running',
                  ':finished': completed.completed_at,
                  ':rate': completed.companies_per_minute,
                },
              },
            },
            ...[COUNTERS_KEY, tenantCountersKey(run.tenant)].map((Key) => ({
              Update: { TableName: table.tableName, Key, UpdateExpression: 'ADD companies_scored :scored', ExpressionAttributeValues: { ':scored': run.successful } },
            })),
          ],
        }),
      ),
    );
    return completed;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return undefined;
    throw error;
  }
}

/** Ends an open batch as failed with the reason (the object vanished or changed while it was scored). */
export async function failBatchRun(table: TableContext, batchId: string, reason: string): Promise<void> {
  try {
    await tableCall('fail batch run', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: batchKey(batchId),
          UpdateExpression: 'SET #status = :failed, failure_reason = :reason, completed_at = :now',
          ConditionExpression: '#status IN (:queued, :running)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason, ':now': table.now().toISOString(), ':queued': 'queued', ':running': 'running' },
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
