import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableCall } from './retry.js';
import type { TableContext } from './table-context.js';

/** The key of a counters item: the service's (COUNTERS_KEY) or a tenant's (tenantCountersKey). */
export type CountersKey = { pk: string; sk: string };

/** Adds to a count of scored companies; ADD is atomic, so concurrent writers never lose a count. */
export async function addCompaniesScored(table: TableContext, key: CountersKey, count: number): Promise<void> {
  await tableCall('count scores', () =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'ADD companies_scored :count',
        ExpressionAttributeValues: { ':count': count },
      }),
    ),
  );
}

export async function companiesScored(table: TableContext, key: CountersKey): Promise<number> {
  const result = await tableCall('read counters', () =>
    table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ProjectionExpression: 'companies_scored' })),
  );
  const value: unknown = result.Item?.companies_scored;
  return typeof value === 'number' ? value : 0;
}
