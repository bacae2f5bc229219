import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS, tableDefinition } from '@echo-ridge/store';
import { LOCAL_AWS } from './dynamodb-local.js';

/**
 * Creates the score table on an emulator as the stack does (same keys, index and time to live). A
 * table that survives from a persisted run is kept as it is.
 */
export async function ensureScoreTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  try {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      if (error instanceof ResourceInUseException) return;
      throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE_KEYS.timeToLive, Enabled: true } }),
    );
  } finally {
    client.destroy();
  }
}
