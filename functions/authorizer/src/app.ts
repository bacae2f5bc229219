import { Logger } from '@aws-lambda-powertools/logger';
import { endpointSetting, setting, type Env } from '@echo-ridge/settings';
import { createDocumentClient, createTableContext, findApiKeyTenant } from '@echo-ridge/store';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import * as v from 'valibot';
import { authorize, UNAUTHORIZED } from './authorize.js';

const ConfigSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the score table'),
  AWS_REGION: setting('AWS_REGION', 'set it to the region of the table'),
  AWS_ENDPOINT_URL_DYNAMODB: endpointSetting('AWS_ENDPOINT_URL_DYNAMODB'),
});

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** The authorizer bound to its table; a configuration problem fails at start, not per request. */
export function createHandler(env: Env): AuthorizerHandler {
  const config = v.parse(ConfigSchema, env);
  const logger = new Logger({ serviceName: 'authorizer' });
  const table = createTableContext({
    client: createDocumentClient({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }),
    tableName: config.TABLE_NAME,
    retentionDays: 1,
  });
  return async (event) => {
    try {
      const result = await authorize(event, { findTenant: (key) => findApiKeyTenant(table, key) });
      logger.info('key allowed', { key_id: result.principalId, tenant: result.context?.tenant });
      return result;
    } catch (error) {
      if ((error as Error).message === UNAUTHORIZED) logger.info('key refused: missing or unknown', { path: event.path });
      else logger.error('authorizer failed', { error: error as Error });
      throw error;
    }
  };
}
