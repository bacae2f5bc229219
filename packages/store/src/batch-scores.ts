import type { ScorePayload } from '@echo-ridge/engine';
import { memberOrder, scoreSortKey } from './keys.js';
import { scoreItem } from './scores.js';
import type { TenantId } from './tenant.js';
import type { TableContext } from './table-context.js';

/** Digits a sequencer is padded to. S3's are 16 to 18; a longer one is refused when the event is read. */
export const SEQUENCER_DIGITS = 32;

/**
 * A sequencer as sort keys hold it: upper-case hex, left-padded with zeros to a fixed width, so that
 * string order is S3's documented order (hex strings of any length, compared after left-padding the
 * shorter with zeros).
 */
export function orderedSequencer(sequencer: string): string {
  if (!/^[0-9A-Fa-f]+$/.test(sequencer) || sequencer.length > SEQUENCER_DIGITS) throw new RangeError(`${JSON.stringify(sequencer)} is not an S3 sequencer`);
  return sequencer.toUpperCase().padStart(SEQUENCER_DIGITS, '0');
}

/** Which upload of which object a file batch scores, as the ordering of its scores needs it. */
export interface UploadOrder {
  /** When S3 finished the upload (the event's `eventTime`), ISO in UTC. */
  uploadedAt: string;
  /** The upload's S3 sequencer, as the event gave it. */
  sequencer: string;
}

export interface FileBatchScore {
  tenant: TenantId;
  batchId: string;
  /** The batch's creation time: every score of the batch is stored "at" it. */
  storedAt: string;
  upload: UploadOrder;
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
 * `GET /scores/{company_id}` and the batch listing). Its key depends only on the upload, the member
 * number and the company, so scoring a line again after a crash replaces the item instead of adding a
 * second one. It sorts among the company's scores by the upload's time, then its sequencer (two uploads
 * of one key in one millisecond), then the line: the newest upload wins whatever order its events and
 * chunks are processed in, and a company twice in a file ends at its last line.
 */
export function fileBatchScoreItem(table: Pick<TableContext, 'expiresAt'>, { tenant, batchId, storedAt, upload, member, payload }: FileBatchScore): Record<string, unknown> {
  const stored = { score_id: `${batchId}-${member}`, company_id: payload.company_id, stored_at: storedAt, batch_id: batchId, batch_index: member - 1, payload };
  return scoreItem(table, tenant, stored, scoreSortKey(upload.uploadedAt, `${orderedSequencer(upload.sequencer)}#${memberOrder(member)}`));
}
