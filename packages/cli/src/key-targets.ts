import { randomBytes } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeyCommand,
  paginateGetApiKeys,
} from '@aws-sdk/client-api-gateway';
import type { UsageTierName } from '@echo-ridge/contract';
import { ApiKeysFileError, createApiKey, readApiKeysFile, revokeApiKey } from '@echo-ridge/local';
import { createDocumentClient, createTableContext, deleteApiKeyTenant, putApiKeyTenant, type TenantId } from '@echo-ridge/store';
import { CliError } from './cli-error.js';
import { stackOutputs } from './stack-outputs.js';

/** One key as `keys list` shows it: never its value, which only `keys create` prints, once. */
export interface KeySummary {
  key_id: string;
  tenant: string;
  /** Requests per second and burst, or the usage plan's name. */
  plan: string;
}

/** Where `echo-ridge keys` acts: the local runtime's keys file, or a deployed stage's API Gateway keys and table. */
export interface KeyTarget {
  description: string;
  create(tenant: TenantId, plan: UsageTierName): Promise<KeySummary & { value: string }>;
  list(tenant?: TenantId): Promise<KeySummary[]>;
  revoke(keyId: string): Promise<KeySummary>;
}

const fileErrors = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiKeysFileError) throw new CliError(error.message);
    throw error;
  }
};

/** The keys file of `pnpm start` (default .local/api-keys.json); its gateway re-reads it at the next request. */
export function localKeys(file: string): KeyTarget {
  const plan = (key: { rate_limit: number; burst_limit: number }) => `${key.rate_limit} req/s, bursts of ${key.burst_limit}`;
  return {
    description: `the local keys file ${file}`,
    create: (tenant, tier) =>
      fileErrors(async () => {
        const key = await createApiKey(file, tenant, tier);
        return { key_id: key.name, tenant, plan: `${tier} (${plan(key)})`, value: key.value };
      }),
    list: (tenant) =>
      fileErrors(async () =>
        (await readApiKeysFile(file)).filter((key) => tenant === undefined || key.tenant === tenant).map((key) => ({ key_id: key.name, tenant: key.tenant, plan: plan(key) })),
      ),
    revoke: (keyId) =>
      fileErrors(async () => {
        const key = await revokeApiKey(file, keyId);
        return { key_id: key.name, tenant: key.tenant, plan: plan(key) };
      }),
  };
}

/**
 * A deployed stage (written against the AWS SDK; it needs credentials and a deployed stack): a key is
 * an API Gateway key tagged with its tenant, on the plan's usage plan, with its tenant record in the
 * table for the authorizer. Revoking deletes the record first (the authorizer refuses the key once its
 * cached answer expires) and then the key (API Gateway refuses it).
 */
export async function stageKeys(stage: string): Promise<KeyTarget> {
  const outputs = await stackOutputs(stage);
  const table = createTableContext({ client: createDocumentClient(), tableName: outputs('Table'), retentionDays: 1 });
  const apiGateway = new APIGatewayClient({});
  return {
    description: `stage ${stage}`,
    async create(tenant, plan) {
      const usagePlanId = outputs(`${plan}UsagePlanId`);
      const created = await apiGateway.send(
        new CreateApiKeyCommand({ name: `${tenant}-${randomBytes(3).toString('hex')}`, description: `tenant ${tenant}, ${plan} plan`, enabled: true, tags: { tenant } }),
      );
      if (!created.id || !created.value) throw new Error('API Gateway created a key without an id or a value');
      await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: created.id, keyType: 'API_KEY' }));
      await putApiKeyTenant(table, created.value, { key_id: created.id, tenant, plan });
      return { key_id: created.id, tenant, plan, value: created.value };
    },
    async list(tenant) {
      const keys: KeySummary[] = [];
      for await (const page of paginateGetApiKeys({ client: apiGateway }, { includeValues: false })) {
        for (const key of page.items ?? []) {
          const owner = key.tags?.tenant;
          if (owner === undefined || (tenant !== undefined && owner !== tenant)) continue;
          keys.push({ key_id: key.id ?? '', tenant: owner, plan: key.description ?? '' });
        }
      }
      return keys;
    },
    async revoke(keyId) {
      const key = await apiGateway.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }));
      if (!key.value || key.tags?.tenant === undefined) throw new CliError(`API Gateway key ${keyId} is not a tenant's key: see keys list --stage ${stage}`);
      await deleteApiKeyTenant(table, key.value);
      await apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));
      return { key_id: keyId, tenant: key.tags.tenant, plan: key.description ?? '' };
    },
  };
}
