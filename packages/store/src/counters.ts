import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableCall } from './retry.js';
import { COUNTERS_KEY } from './keys.js';
import type { TableContext } from './table-context.js';

/** Adds to the service-wide count of scored companies; ADD is atomic, so concurrent writers never lose a count. */
export async function addCompaniesScored(table: TableContext, count: number): Promise<void> {
  await tableCall('count scores', () =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: COUNTERS_KEY,
        UpdateExpression: 'ADD companies_scored :count',
        ExpressionAttributeValues: { ':count': count },
      }),
    ),
  );
}

export async function companiesScored(table: TableContext): Promise<number> {
  const result = await tableCall('read counters', () =>
    table.client.send(new GetCommand({ TableName: table.tableName, Key: COUNTERS_KEY, ProjectionExpression: 'companies_scored' })),
  );
  const value: unknown = result.Item?.companies_scored;
  return typeof value === 'number' ? value : 0;
}
