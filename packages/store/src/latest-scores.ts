import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableItem } from './batch-writes.js';
import { mapInParallel } from './in-parallel.js';
import { companyPartition, LATEST_SORT_KEY } from './keys.js';
import { tableCall } from './retry.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';
import type { TenantId } from './tenant.js';

/**
 * A company's latest score is named by one small pointer item (`TENANT#<t>#COMPANY#<id>` / `LATEST`, one per tenant) that holds
 * the sort key of the score it points to; the scores themselves stay where they are, as the history.
 * Invariant: the pointer never moves from an upload of an S3 object key to an older upload of the
 * same key. S3 delivers events in any order, so "older" is S3's `sequencer` of the upload's event, as
 * S3 documents it: hex strings of any length, compared after left-padding the shorter with zeros; the
 * pointer keeps the sequencer padded to a fixed width, so DynamoDB's string comparison in a
 * condition compares them as numbers.
 *
 * Writes:
 * - the API (one score, or a request's batch): the pointer moves to the new score, unconditionally;
 * - a file batch: the pointer moves to the line's score unless it points at a score of a newer upload
 *   of the same key, or at a later line of the same upload (so a company twice in one file ends at
 *   its last line whatever order the chunks finish in, and a chunk scored again writes the same).
 *   A refused write is the expected outcome for an upload that lost to a newer one, not an error: its
 *   scores are still in the history.
 * A pointer is written after the score it names, so it never names a score that is not stored.
 */

/** Digits a sequencer is padded to. S3's are about 18; a longer one is refused when the event is read. */
export const SEQUENCER_DIGITS = 64;

/** A sequencer as the pointer stores it: upper-case hex, left-padded with zeros to a fixed width. */
export function orderedSequencer(sequencer: string): string {
  if (!/^[0-9A-Fa-f]+$/.test(sequencer) || sequencer.length > SEQUENCER_DIGITS) throw new RangeError(`${JSON.stringify(sequencer)} is not an S3 sequencer`);
  return sequencer.toUpperCase().padStart(SEQUENCER_DIGITS, '0');
}

/** Which upload a file batch's scores come from. */
export interface UploadOrder {
  /** `<bucket>/<key>` of the uploaded object. */
  source: string;
  /** The upload's S3 sequencer, as the event gave it. */
  sequencer: string;
}

const pointerKey = (tenant: TenantId, companyId: string) => ({ pk: companyPartition(tenant, companyId), sk: LATEST_SORT_KEY });

/** The pointer item naming the score stored under `scoreSortKey`. */
export function latestPointerItem(table: Pick<TableContext, 'expiresAt'>, tenant: TenantId, companyId: string, scoreSortKey: string): TableItem {
  return { ...pointerKey(tenant, companyId), score_sk: scoreSortKey, [TABLE_KEYS.timeToLive]: table.expiresAt() };
}

/** Moves the pointer to a score written by the API. */
export async function pointLatest(table: TableContext, tenant: TenantId, companyId: string, scoreSortKey: string): Promise<void> {
  await tableCall('point latest score', () => table.client.send(new PutCommand({ TableName: table.tableName, Item: latestPointerItem(table, tenant, companyId, scoreSortKey) })));
}

/** One company's newest line in a file batch's chunk. */
export interface BatchLatest {
  companyId: string;
  member: number;
  scoreSortKey: string;
}

/** Pointer writes of one chunk at once: each is a small conditional PutItem. */
const POINTERS_IN_FLIGHT = 16;

/**
 * Moves the pointers of the companies of a file batch's chunk, each unless a newer upload of the same
 * key, or a later line of this one, holds it. Resolves to how many were refused that way.
 */
export async function pointLatestFromUpload(table: TableContext, tenant: TenantId, upload: UploadOrder, latest: readonly BatchLatest[]): Promise<{ superseded: number }> {
  const sequencer = orderedSequencer(upload.sequencer);
  const refused = await mapInParallel(latest, POINTERS_IN_FLIGHT, async ({ companyId, member, scoreSortKey }) => {
    try {
      await tableCall('point latest score from an upload', () =>
        table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: { ...latestPointerItem(table, tenant, companyId, scoreSortKey), source: upload.source, sequencer, member },
            ConditionExpression:
              'attribute_not_exists(pk) OR attribute_not_exists(#source) OR #source <> :source OR #sequencer < :sequencer OR (#sequencer = :sequencer AND #member <= :member)',
            ExpressionAttributeNames: { '#source': 'source', '#sequencer': 'sequencer', '#member': 'member' },
            ExpressionAttributeValues: { ':source': upload.source, ':sequencer': sequencer, ':member': member },
          }),
        ),
      );
      return false;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return true;
      throw error;
    }
  });
  return { superseded: refused.filter(Boolean).length };
}

/** The sort key of the score the company's pointer names, if it has one. */
export async function latestScoreSortKey(table: TableContext, tenant: TenantId, companyId: string): Promise<string | undefined> {
  const result = await tableCall('get latest score pointer', () => table.client.send(new GetCommand({ TableName: table.tableName, Key: pointerKey(tenant, companyId) })));
  const sortKey: unknown = result.Item?.score_sk;
  return typeof sortKey === 'string' ? sortKey : undefined;
}
