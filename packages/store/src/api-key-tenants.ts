import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { tableCall } from './retry.js';
import { API_KEY_PREFIX } from './keys.js';
import { TenantIdSchema } from './tenant.js';
import type { TableContext } from './table-context.js';

/**
 * Which tenant an API key belongs to, on AWS (locally the keys file says it). One item per key, keyed
 * by the SHA-256 of the key's value, so the table never holds a usable key: the authorizer hashes
 * what the caller presented and reads one item. Written by `echo-ridge keys create --stage`, deleted
 * by `keys revoke --stage`; nothing else writes these items.
 */
export const ApiKeyTenantSchema = v.object({
  /** API Gateway's id of the key. */
  key_id: v.string(),
  tenant: TenantIdSchema,
  plan: v.string(),
  created_at: v.string(),
});
export type ApiKeyTenant = v.InferOutput<typeof ApiKeyTenantSchema>;

const keyOf = (value: string) => ({ pk: `${API_KEY_PREFIX}${createHash('sha256').update(value).digest('hex')}`, sk: 'KEY' });

export async function putApiKeyTenant(table: TableContext, value: string, record: Omit<ApiKeyTenant, 'created_at'>): Promise<ApiKeyTenant> {
  const item = { ...record, created_at: table.now().toISOString() };
  await tableCall('put api key', () => table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...keyOf(value), ...item } })));
  return item;
}

export async function findApiKeyTenant(table: TableContext, value: string): Promise<ApiKeyTenant | undefined> {
  const result = await tableCall('get api key', () => table.client.send(new GetCommand({ TableName: table.tableName, Key: keyOf(value) })));
  return result.Item && v.parse(ApiKeyTenantSchema, result.Item);
}

export async function deleteApiKeyTenant(table: TableContext, value: string): Promise<void> {
  await tableCall('delete api key', () => table.client.send(new DeleteCommand({ TableName: table.tableName, Key: keyOf(value) })));
}
