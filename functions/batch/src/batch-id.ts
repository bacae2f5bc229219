import { createHash } from 'node:crypto';
import type { ObjectCreated } from './messages.js';

/**
 * The batch of one version of one object. Every delivery of its event, and every chunk of it, agrees
 * on this id without asking anyone: a redelivered or duplicated event finds the batch already there.
 * The version id is preferred because it tells two uploads of identical content apart.
 */
export function batchIdFor({ bucket, key, etag, versionId }: Omit<ObjectCreated, 'sequencer'>): string {
  const version = versionId ? `version:${versionId}` : `etag:${etag.replace(/^"|"$/g, '')}`;
  return createHash('sha256').update(JSON.stringify([bucket, key, version])).digest('hex').slice(0, 32);
}
