import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScorePayload } from '@echo-ridge/engine';
import type { BatchRecord } from './batch-record.js';
import { getBatch, putBatch } from './batches.js';
import { addCompaniesScored, companiesScored } from './counters.js';
import type { PageRequest } from './cursor.js';
import { batchScores, latestScore, putScore, scoreHistory, writeBatchScores, type BatchMember } from './scores.js';
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
    // Scores are counted after they are stored, so that the counter never runs ahead of the table.
    async saveScore(payload: ScorePayload) {
      const stored = await putScore(table, payload);
      await addCompaniesScored(table, 1);
      return stored;
    },
    async saveBatchScores(batchId: string, members: readonly BatchMember[]) {
      const stored = await writeBatchScores(table, batchId, members);
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
