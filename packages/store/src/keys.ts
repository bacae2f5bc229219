/**
 * Key values of every item kind (README: "Key design"). Prefixes keep kinds apart in one table; the
 * identifier is always the whole remainder, so an id containing `#` cannot collide with another key.
 */

export const SCORE_PREFIX = 'SCORE#';

/**
 * Every item of a tenant's data starts its partition key with this (and so does its gsi1 key), which
 * is what the API role's `dynamodb:LeadingKeys` condition allows. A tenant id never holds `#` (tenant.ts).
 */
export const TENANT_PREFIX = 'TENANT#';

const tenantKey = (tenant: string, rest: string) => `${TENANT_PREFIX}${tenant}#${rest}`;

export const companyPartition = (tenant: string, companyId: string) => tenantKey(tenant, `COMPANY#${companyId}`);

/**
 * A company's scores sort by when their input arrived, so its latest score is the first of a descending
 * query and needs no item of its own. `arrivedAt` is an ISO time in UTC (every writer's format, so
 * strings compare as times); `order` breaks ties within a millisecond and must itself sort in arrival
 * order where that matters: a request's batch members by index, a file's lines by upload and line
 * (batch-scores.ts).
 */
export const scoreSortKey = (arrivedAt: string, order: string) => `${SCORE_PREFIX}${arrivedAt}#${order}`;

/** Pads a member index so that the string order of sort keys and index keys is the numeric order. */
export const memberOrder = (index: number) => String(index).padStart(13, '0');

/** A batch's record lives in the table under this partition; its members are indexed under it in gsi1. */
export const batchPartition = (batchId: string) => `BATCH#${batchId}`;

/** A file batch's record (batch-runs.ts): files are not yet partitioned by tenant and all belong to the dev tenant. */
export const batchKey = (batchId: string) => ({ pk: batchPartition(batchId), sk: 'BATCH' });

/** The record of a batch a tenant sent through the API. */
export const tenantBatchKey = (tenant: string, batchId: string) => ({ pk: tenantKey(tenant, batchPartition(batchId)), sk: 'BATCH' });

/** Where a tenant's batch members are indexed in gsi1. */
export const tenantBatchMembers = (tenant: string, batchId: string) => tenantKey(tenant, batchPartition(batchId));

/**
 * Index entry of a batch member: zero-padded so the index sorts members in input order; thirteen
 * digits because a file batch numbers a member of a later chunk from the chunk's first byte, and an
 * S3 object runs to 5 TB.
 */
export const batchMemberKey = (tenant: string, batchId: string, index: number) => ({
  gsi1pk: tenantBatchMembers(tenant, batchId),
  gsi1sk: `ITEM#${memberOrder(index)}`,
});

/** Which batch holds a tenant's batch file name (batch-uploads.ts); a name holds no `#` (BatchNameSchema). */
export const uploadNameKey = (tenant: string, name: string) => ({ pk: tenantKey(tenant, `UPLOAD#${name}`), sk: 'NAME' });

/** The service-wide counters, which file batches add to (batch-runs.ts). */
export const COUNTERS_KEY = { pk: 'STATS', sk: 'COUNTERS' } as const;

/** A tenant's counters: what its GET /stats shows. */
export const tenantCountersKey = (tenant: string) => ({ pk: tenantKey(tenant, 'STATS'), sk: 'COUNTERS' });

/**
 * A tenant's idempotency partition: the Powertools idempotency records of its requests (sort key
 * `<operation>#<hash>`) and the attempt items of its idempotent writes (`ATTEMPT#<id>`, write-attempts.ts).
 */
export const IDEMPOTENCY_SUFFIX = 'IDEMPOTENCY';
export const idempotencyPartition = (tenant: string) => tenantKey(tenant, IDEMPOTENCY_SUFFIX);

/** An API key's tenant record (api-key-tenants.ts), keyed by the SHA-256 of the key's value. */
export const API_KEY_PREFIX = 'APIKEY#';
