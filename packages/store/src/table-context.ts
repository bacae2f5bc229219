import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every access pattern needs: the client, the table, and the clock that stamps and expires items. */
export interface TableContext {
  client: DynamoDBDocumentClient;
  tableName: string;
  now(): Date;
  /** Epoch seconds after which DynamoDB's time to live may delete a new item. */
  expiresAt(): number;
}
