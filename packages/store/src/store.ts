import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScorePayload } from '@echo-ridge/engine';
import type { BatchRecord } from './batch-record.js';
import { openUpload, type UploadOpening } from './batch-uploads.js';
import { getBatch, putBatch } from './batches.js';
import { addCompaniesScored, companiesScored } from './counters.js';
import type { PageRequest } from './cursor.js';
import { batchScores, latestScore, putScore, scoreHistory, writeBatchScores, type BatchMember } from './scores.js';
import { COUNTERS_KEY, tenantCountersKey } from './keys.js';
import type { TableContext } from './table-context.js';
import type { TenantId } from './tenant.js';
import { addOnce, claimAttempt, type WriteAttempt } from './write-attempts.js';

export interface StoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days until DynamoDB's time to live removes a stored score or batch record. */
  retentionDays: number;
  now?: () => Date;
}

const SECONDS_PER_DAY = 86_400;

/** One table with its clock: what every access pattern is bound to. */
export function createTableContext({ client, tableName, retentionDays, now = () => new Date() }: StoreOptions): TableContext {
  return { client, tableName, now, expiresAt: () => Math.floor(now().getTime() / 1000) + retentionDays * SECONDS_PER_DAY };
}

/**
 * The access patterns of one tenant's data (README): every key it reads or writes lies in the
 * tenant's partitions, so another tenant's company or batch is simply not there.
 */
function tenantStore(table: TableContext, tenant: TenantId) {
  const counters = tenantCountersKey(tenant);
  // An idempotent request's attempts count their scores once between them (write-attempts.ts).
  const count = (n: number, attempt: WriteAttempt | undefined) => (attempt ? addOnce(table, attempt, counters, n) : addCompaniesScored(table, counters, n));
  return {
    tenant,
    /** The attempt of an idempotent request: its ids and time, the same for every attempt (write-attempts.ts). */
    claimAttempt: (operation: string, idempotencyKey: string, ttlSeconds: number) => claimAttempt(table, tenant, operation, idempotencyKey, ttlSeconds),
    // Scores are counted after they are stored, so that the counter never runs ahead of the table.
    async saveScore(payload: ScorePayload, attempt?: WriteAttempt) {
      const stored = await putScore(table, tenant, payload, attempt);
      await count(1, attempt);
      return stored;
    },
    async saveBatchScores(batchId: string, members: readonly BatchMember[], attempt?: WriteAttempt) {
      const stored = await writeBatchScores(table, tenant, batchId, members, attempt);
      if (stored.length > 0) await count(stored.length, attempt);
      return stored;
    },
    latestScore: (companyId: string) => latestScore(table, tenant, companyId),
    scoreHistory: (companyId: string, page: PageRequest) => scoreHistory(table, tenant, companyId, page),
    putBatch: (record: BatchRecord, attempt?: WriteAttempt) => putBatch(table, tenant, record, attempt),
    /** Opens the upload of a batch file (`POST /batches`): its name checked, its URL signed, then its record written. */
    openUpload: (opening: UploadOpening) => openUpload(table, tenant, opening),
    getBatch: (batchId: string) => getBatch(table, tenant, batchId),
    batchScores: (batchId: string, page: PageRequest) => batchScores(table, tenant, batchId, page),
    /** The companies this tenant scored through the API. */
    companiesScored: () => companiesScored(table, counters),
  };
}

export type TenantStore = ReturnType<typeof tenantStore>;

/** The score table bound to one table: a tenant's view of it, and the service-wide counters. */
export function createStore(options: StoreOptions) {
  const table = createTableContext(options);
  return {
    tenant: (tenant: TenantId): TenantStore => tenantStore(table, tenant),
    /** The service-wide count, which file batches add to on completion (batch-runs.ts). */
    companiesScored: () => companiesScored(table, COUNTERS_KEY),
  };
}

export type Store = ReturnType<typeof createStore>;
