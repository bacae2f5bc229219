import * as v from 'valibot';
import { TenantIdSchema, type TenantId } from './tenant.js';

/**
 * The layout of batch input in the data bucket: `incoming/<tenant>/<name>.jsonl`. The tenant is the
 * first folder, so the file's scores and batch record belong to it, whoever put the file there
 * (`POST /batches`' presigned URL, an operator, the local inbox).
 */

export const INPUT_PREFIX = 'incoming/';
export const INPUT_SUFFIX = '.jsonl';

/** A file's name as `POST /batches` accepts it: no folders, nothing a shell or a URL would mangle. */
export const BatchNameSchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 letters, digits, dots, hyphens or underscores, starting with a letter or digit'),
  v.transform((name) => (name.endsWith(INPUT_SUFFIX) ? name.slice(0, -INPUT_SUFFIX.length) : name)),
  v.nonEmpty('must name the file, not only its .jsonl suffix'),
);

export const inputKey = (tenant: TenantId, name: string) => `${INPUT_PREFIX}${tenant}/${name}${INPUT_SUFFIX}`;

export type BatchInput = { ok: true; tenant: TenantId } | { ok: false; reason: string };

/** Whose file a key is, or why it is nobody's: an object outside every tenant's folder is refused. */
export function batchInputOf(key: string): BatchInput {
  if (!key.startsWith(INPUT_PREFIX) || !key.endsWith(INPUT_SUFFIX)) return { ok: false, reason: `batch input is incoming/<tenant>/<name>${INPUT_SUFFIX}` };
  const folders = key.slice(INPUT_PREFIX.length).split('/');
  if (folders.length !== 2) return { ok: false, reason: `batch input lies directly in a tenant's folder, incoming/<tenant>/<name>${INPUT_SUFFIX}` };
  const tenant = v.safeParse(TenantIdSchema, folders[0]);
  if (!tenant.success) return { ok: false, reason: `the folder ${JSON.stringify(folders[0])} names no tenant: a tenant id ${tenant.issues[0].message}` };
  return { ok: true, tenant: tenant.output };
}

/**
 * The object metadata (`x-amz-meta-batch-id`) by which a file uploaded to a `POST /batches` URL carries
 * the batch id that call answered; the presigned URL signs it, so the uploader cannot change it.
 */
export const BATCH_ID_METADATA = 'batch-id';

/** Batch ids that `POST /batches` makes: a UUID, which no hash-derived file batch id (32 hex digits) can equal. */
export const UploadBatchIdSchema = v.pipe(v.string(), v.uuid());
