import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getBatch, putBatch, type BatchRecord } from './batches.js';
import { addCompaniesScored, companiesScored } from './counters.js';
import type { PageRequest } from './cursor.js';
import { batchScores, latestScore, putScores, scoreHistory, type NewScore } from './scores.js';
import type { TableContext } from './table-context.js';

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

/** The access patterns of the score table (README), bound to one table. */
export function createStore(options: StoreOptions) {
  const table = createTableContext(options);
  return {
    /** Stores the scores, then counts them, so the counter never runs ahead of what was stored. */
    async saveScores(scores: readonly NewScore[]) {
      const stored = await putScores(table, scores);
      if (stored.length > 0) await addCompaniesScored(table, stored.length);
      return stored;
    },
    latestScore: (companyId: string) => latestScore(table, companyId),
    scoreHistory: (companyId: string, page: PageRequest) => scoreHistory(table, companyId, page),
    putBatch: (record: BatchRecord) => putBatch(table, record),
    getBatch: (batchId: string) => getBatch(table, batchId),
    batchScores: (batchId: string, page: PageRequest) => batchScores(table, batchId, page),
    companiesScored: () => companiesScored(table),
  };
}

export type Store = ReturnType<typeof createStore>;
