import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  region?: string | undefined;
  /** An emulator's URL; unset on AWS, where the SDK finds the regional endpoint. */
  endpoint?: string | undefined;
}

/**
 * A client that gives up quickly: a request to a table that does not answer must end in a retryable
 * error well inside the API's time budget, never in a hang.
 */
export function createDynamoDbClient({ region, endpoint }: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
  });
}

/** The document client over `client`: the same configuration and middleware, so one connection pool and one trace. */
export const documentClientOf = (client: DynamoDBClient): DynamoDBDocumentClient => DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient => documentClientOf(createDynamoDbClient(options));
