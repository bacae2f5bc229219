import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { usageTier, type UsageTierName } from '@echo-ridge/contract';
import { DEV_TENANT, TenantIdSchema, type TenantId } from '@echo-ridge/store/schemas';
import * as v from 'valibot';

const positive = (rule: string) => v.pipe(v.number(rule), v.finite(rule), v.gtValue(0, rule));

/** One key of a usage plan: the tenant it belongs to, requests per second, and how many may arrive at once. */
export const ApiKeySchema = v.object({
  /** The key's id: what `keys list` shows and `keys revoke` takes; the value itself is the secret. */
  name: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  tenant: TenantIdSchema,
  value: v.pipe(v.string('must be a string'), v.minLength(20, 'must be at least 20 characters, as API Gateway requires')),
  rate_limit: positive('must be a number of requests per second > 0'),
  burst_limit: v.pipe(positive('must be a whole number of requests > 0'), v.integer('must be a whole number of requests > 0')),
});
export type ApiKey = v.InferOutput<typeof ApiKeySchema>;

/** Files written before tenants existed have no `tenant`: read them, then migrate their keys to the dev tenant. */
const ApiKeysFileSchema = v.object({
  keys: v.array(v.object({ ...ApiKeySchema.entries, tenant: v.optional(TenantIdSchema) }), 'must be a list of keys'),
});

/** The dev key's usage plan: generous for a person with curl, and well above the benchmark's 200 req/s. */
export const DEV_KEY_LIMITS = { rate_limit: 500, burst_limit: 1000 } as const;

export class ApiKeysFileError extends Error {
  override readonly name = 'ApiKeysFileError';
}

export interface LoadedApiKeys {
  keys: ApiKey[];
  /** True when this load added a dev key (a new file, or one whose dev keys were all revoked). */
  created: boolean;
  /** Ids of keys written without a tenant that now belong to the dev tenant (the file is rewritten). */
  migrated: string[];
}

const newKey = (tenant: TenantId, limits: Pick<ApiKey, 'rate_limit' | 'burst_limit'>): ApiKey => ({
  name: tenant === DEV_TENANT ? `dev-${randomBytes(3).toString('hex')}` : `${tenant}-${randomBytes(3).toString('hex')}`,
  tenant,
  value: `er_${tenant === DEV_TENANT ? 'dev' : 'key'}_${randomBytes(20).toString('hex')}`,
  ...limits,
});

/** Written whole to a temporary file, then renamed: the gateway, re-reading on change, never sees half a file. */
async function saveApiKeys(file: string, keys: readonly ApiKey[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** Reads and checks the file; undefined when it does not exist. */
async function readApiKeys(file: string): Promise<{ keys: ApiKey[]; migrated: string[] } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ApiKeysFileError(`${file} is not valid JSON (${(error as SyntaxError).message}): fix it, or delete it to get a new dev key`);
  }
  const parsed = v.safeParse(ApiKeysFileSchema, document);
  if (!parsed.success) {
    const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(file)'} ${issue.message}`);
    throw new ApiKeysFileError(`${file} is invalid: ${problems.join('; ')}. Fix it, or delete it to get a new dev key`);
  }
  const names = new Set<string>();
  for (const { name } of parsed.output.keys) {
    if (names.has(name)) throw new ApiKeysFileError(`${file} is invalid: two keys are named ${JSON.stringify(name)}; key names are their ids and must differ`);
    names.add(name);
  }
  const migrated = parsed.output.keys.filter((key) => key.tenant === undefined).map((key) => key.name);
  return { keys: parsed.output.keys.map((key) => ({ ...key, tenant: key.tenant ?? DEV_TENANT })), migrated };
}

/**
 * The API keys the local gateway accepts, from `file`. A missing file is created with one new dev
 * key, as a fresh `pnpm start` needs, and so is a dev key when the dev tenant has none left; keys of a
 * file written before tenants are moved to the dev tenant; a broken file is refused with the field and the fix.
 */
export async function loadApiKeys(file: string): Promise<LoadedApiKeys> {
  const read = await readApiKeys(file);
  const keys = read?.keys ?? [];
  const migrated = read?.migrated ?? [];
  const created = !keys.some((key) => key.tenant === DEV_TENANT);
  if (created) keys.unshift(newKey(DEV_TENANT, DEV_KEY_LIMITS));
  if (created || migrated.length > 0) await saveApiKeys(file, keys);
  return { keys, created, migrated };
}

/** The keys as the file holds them now, for the gateway's re-reads: no dev key is added, nothing is written. */
export async function readApiKeysFile(file: string): Promise<ApiKey[]> {
  return (await readApiKeys(file))?.keys ?? [];
}

/** Adds a new key of `tenant` on `plan`'s limits and returns it; the running gateway picks it up at its next request. */
export async function createApiKey(file: string, tenant: TenantId, plan: UsageTierName): Promise<ApiKey> {
  const { keys } = await loadApiKeys(file);
  const { rateLimit, burstLimit } = usageTier(plan);
  const key = newKey(tenant, { rate_limit: rateLimit, burst_limit: burstLimit });
  await saveApiKeys(file, [...keys, key]);
  return key;
}

/** Removes the key named `name`; the running gateway refuses it from its next request. */
export async function revokeApiKey(file: string, name: string): Promise<ApiKey> {
  const keys = await readApiKeysFile(file);
  const revoked = keys.find((key) => key.name === name);
  if (!revoked) throw new ApiKeysFileError(`${file} holds no key named ${JSON.stringify(name)}: see keys list`);
  await saveApiKeys(
    file,
    keys.filter((key) => key !== revoked),
  );
  return revoked;
}
