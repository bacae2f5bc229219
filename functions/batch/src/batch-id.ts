import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { BATCH_ID_METADATA, UploadBatchIdSchema, type BatchSource, type headObject } from '@echo-ridge/store';
import type { ObjectCreated } from './messages.js';

export type ObjectHead = Awaited<ReturnType<typeof headObject>>;

/**
 * The batch of one version of one object. Every delivery of its event, and every chunk of it, agrees
 * on this id without asking anyone: a redelivered or duplicated event finds the batch already there.
 * The version id is preferred because it tells two uploads of identical content apart.
 */
export function batchIdFor({ bucket, key, etag, versionId }: Pick<ObjectCreated, 'bucket' | 'key' | 'etag' | 'versionId'>): string {
  const version = versionId ? `version:${versionId}` : `etag:${etag.replace(/^"|"$/g, '')}`;
  return createHash('sha256').update(JSON.stringify([bucket, key, version])).digest('hex').slice(0, 32);
}

/**
 * A file uploaded to a `POST /batches` URL carries the id that call answered (signed metadata), so the
 * caller can follow its batch before it exists; any other file gets the id of its version. The
 * metadata is trusted only on the very version the event announced: an unversioned key overwritten
 * since then shows the newer file's metadata.
 */
export function batchIdOf(object: ObjectCreated, head: ObjectHead): string {
  const announced = object.versionId ? head.versionId === object.versionId : head.etag === object.etag;
  const uploaded = v.safeParse(UploadBatchIdSchema, head.metadata[BATCH_ID_METADATA]);
  return announced && uploaded.success ? uploaded.output : batchIdFor(object);
}

/** Whether a batch scores this very object: a second upload to one `POST /batches` URL names the same batch. */
export function sameObject(source: BatchSource, object: ObjectCreated): boolean {
  return source.bucket === object.bucket && source.key === object.key && (object.versionId ? source.version_id === object.versionId : source.etag === object.etag);
}
