import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as v from 'valibot';

const positive = (rule: string) => v.pipe(v.number(rule), v.finite(rule), v.gtValue(0, rule));

/** One key of a usage plan: requests per second, and how many may arrive at once. */
export const ApiKeySchema = v.object({
  name: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  value: v.pipe(v.string('must be a string'), v.minLength(20, 'must be at least 20 characters, as API Gateway requires')),
  rate_limit: positive('must be a number of requests per second > 0'),
  burst_limit: v.pipe(positive('must be a whole number of requests > 0'), v.integer('must be a whole number of requests > 0')),
});
export type ApiKey = v.InferOutput<typeof ApiKeySchema>;

const ApiKeysFileSchema = v.object({
  keys: v.pipe(v.array(ApiKeySchema, 'must be a list of keys'), v.nonEmpty('must hold at least one key')),
});

/** The dev key's usage plan: generous for a person with curl, and well above the benchmark's 200 req/s. */
export const DEV_KEY_LIMITS = { rate_limit: 500, burst_limit: 1000 } as const;

export class ApiKeysFileError extends Error {
  override readonly name = 'ApiKeysFileError';
}

/**
 * The API keys the local gateway accepts, from `file`. A missing file is created with one new dev
 * key, as a fresh `pnpm start` needs; a broken one is refused with the field and the fix.
 */
export async function loadApiKeys(file: string): Promise<{ keys: ApiKey[]; created: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const keys = [{ name: 'dev', value: `er_dev_${randomBytes(20).toString('hex')}`, ...DEV_KEY_LIMITS }];
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    return { keys, created: true };
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
  return { keys: parsed.output.keys, created: false };
}
