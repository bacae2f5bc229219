import type { ScorePayload } from '@echo-ridge/engine';
import { scoreItem } from './scores.js';
import type { TenantId } from './tenant.js';
import type { TableContext } from './table-context.js';

export interface FileBatchScore {
  tenant: TenantId;
  batchId: string;
  /** The batch's creation time: every score of the batch is stored "at" it, so a rewrite lands on the same key. */
  storedAt: string;
  /**
   * The line's member number, counted from 1: its line number in a one-chunk batch; in a larger one
   * its chunk's first byte plus its line number within the chunk (functions/batch/src/chunk-lines.ts),
   * unique and in input order.
   */
  member: number;
  payload: ScorePayload;
}

/**
 * The item of one scored line of a file batch, in the shape of every stored score (readable by
 * `GET /scores/{company_id}` and the batch listing). Its key depends only on batch, member number and
 * company, so scoring a line again after a crash replaces the item instead of adding a second one.
 */
export function fileBatchScoreItem(table: Pick<TableContext, 'expiresAt'>, { tenant, batchId, storedAt, member, payload }: FileBatchScore): Record<string, unknown> {
  return scoreItem(table, tenant, {
    score_id: `${batchId}-${member}`,
    company_id: payload.company_id,
    stored_at: storedAt,
    batch_id: batchId,
    batch_index: member - 1,
    payload,
  });
}
