/**
 * Key values of every item kind (README: "Key design"). Prefixes keep kinds apart in one table; the
 * identifier is always the whole remainder, so an id containing `#` cannot collide with another key.
 */

export const SCORE_PREFIX = 'SCORE#';

export const companyPartition = (companyId: string) => `COMPANY#${companyId}`;

/** Sorts a company's scores by storage time, the id breaking ties between scores of the same millisecond. */
export const scoreSortKey = (storedAt: string, scoreId: string) => `${SCORE_PREFIX}${storedAt}#${scoreId}`;

/** A company's pointer to its latest score (latest-scores.ts); it does not begin with SCORE#, so no listing of scores meets it. */
export const LATEST_SORT_KEY = 'LATEST';

/** A batch's record lives in the table under this partition; its members are indexed under it in gsi1. */
export const batchPartition = (batchId: string) => `BATCH#${batchId}`;

export const batchKey = (batchId: string) => ({ pk: batchPartition(batchId), sk: 'BATCH' });

/**
 * Index entry of a batch member: zero-padded so the index sorts members in input order; thirteen
 * digits because a file batch numbers a member of a later chunk from the chunk's first byte, and an
 * S3 object runs to 5 TB.
 */
export const batchMemberKey = (batchId: string, index: number) => ({
  gsi1pk: batchPartition(batchId),
  gsi1sk: `ITEM#${String(index).padStart(13, '0')}`,
});

export const COUNTERS_KEY = { pk: 'STATS', sk: 'COUNTERS' } as const;
