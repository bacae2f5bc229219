import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapInParallel } from './in-parallel.js';

/**
 * Joins objects into one inside S3: a multipart upload whose parts are UploadPartCopy ranges of the
 * sources, so that their bytes never pass through the caller. S3 wants every part but the last to hold
 * at least 5 MiB and at most 5 GiB, and the sources (chunk outputs) can be smaller: runs of small
 * sources are read and concatenated in memory until they make 5 MiB, then uploaded as one part; a
 * large source that follows such a run lends the run the bytes it lacks and is copied from there on.
 * One source is copied with CopyObject, and a total under 5 MiB is put in one PutObject.
 */

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
/** S3's limit of parts in one multipart upload. */
export const MAX_PARTS = 10_000;
/** Parts copied or uploaded at once. */
const PARTS_IN_FLIGHT = 8;

export interface JoinSource {
  key: string;
  size: number;
}

/** Bytes [start, end) of a source. */
export interface SourceRange {
  key: string;
  start: number;
  end: number;
}

/** One part of the joined object: a range copied by S3, or ranges read and uploaded together. */
export type JoinPart = { copy: SourceRange } | { read: SourceRange[] };

/** The parts of the joined object, in order; each but the last holds 5 MiB to 5 GiB. */
export function planJoin(sources: readonly JoinSource[], minPart = MIN_PART_BYTES, maxPart = MAX_PART_BYTES): JoinPart[] {
  const parts: JoinPart[] = [];
  let buffered: SourceRange[] = [];
  let bufferedBytes = 0;
  for (const { key, size } of sources) {
    let offset = 0;
    while (offset < size) {
      const remaining = size - offset;
      if (bufferedBytes === 0 && remaining >= minPart) {
        const end = offset + Math.min(remaining, maxPart);
        // A tail under the minimum would have to start a new run; leave it to the copy when it fits.
        const tail = size - end;
        const copyEnd = tail > 0 && tail < minPart && end - offset - (minPart - tail) >= minPart ? end - (minPart - tail) : end;
        parts.push({ copy: { key, start: offset, end: copyEnd } });
        offset = copyEnd;
        continue;
      }
      const take = Math.min(remaining, minPart - bufferedBytes);
      buffered.push({ key, start: offset, end: offset + take });
      bufferedBytes += take;
      offset += take;
      if (bufferedBytes >= minPart) {
        parts.push({ read: buffered });
        buffered = [];
        bufferedBytes = 0;
      }
    }
  }
  if (buffered.length > 0) parts.push({ read: buffered });
  return parts;
}

/** Bytes of the plan that pass through the caller (read and uploaded again). */
export const bytesRead = (parts: readonly JoinPart[]) =>
  parts.reduce((sum, part) => sum + ('read' in part ? part.read.reduce((bytes, range) => bytes + range.end - range.start, 0) : 0), 0);

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

async function readRanges(s3: S3Client, bucket: string, ranges: readonly SourceRange[]): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for (const { key, start, end } of ranges) {
    const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
    pieces.push(await result.Body!.transformToByteArray());
  }
  return Buffer.concat(pieces);
}

/**
 * Joins the objects under `sourceKeys`, in order, into `targetKey` of the same bucket. Every source
 * must exist (a missing one fails the join, which is then redone); empty ones add nothing. A failed
 * multipart upload is aborted; one left by a crash is removed by the bucket's lifecycle rule.
 */
export async function joinObjects(s3: S3Client, bucket: string, sourceKeys: readonly string[], targetKey: string, contentType = 'application/x-ndjson'): Promise<void> {
  const heads = await Promise.all(sourceKeys.map((Key) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key }))));
  const sources = sourceKeys.map((key, i) => ({ key, size: heads[i]!.ContentLength ?? 0 })).filter((source) => source.size > 0);
  const parts = planJoin(sources);
  if (parts.length > MAX_PARTS) throw new Error(`joining ${sources.length} objects into ${targetKey} needs ${parts.length} parts, over S3's ${MAX_PARTS}`);
  const only = sources.length === 1 ? sources[0] : undefined;
  if (only && only.size <= MAX_PART_BYTES) {
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: targetKey, CopySource: copySource(bucket, only.key), ContentType: contentType, MetadataDirective: 'REPLACE' }));
    return;
  }
  const [first] = parts;
  if (parts.length <= 1 && (first === undefined || 'read' in first)) {
    const body = first ? await readRanges(s3, bucket, first.read) : Buffer.alloc(0);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: targetKey, Body: body, ContentType: contentType }));
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: targetKey, ContentType: contentType }));
  const uploadPart = async (part: JoinPart, PartNumber: number): Promise<CompletedPart> => {
    if ('read' in part) {
      const result = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: targetKey, UploadId, PartNumber, Body: await readRanges(s3, bucket, part.read) }));
      return { PartNumber, ETag: result.ETag };
    }
    const { key, start, end } = part.copy;
    const result = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: targetKey, UploadId, PartNumber, CopySource: copySource(bucket, key), CopySourceRange: `bytes=${start}-${end - 1}` }),
    );
    return { PartNumber, ETag: result.CopyPartResult?.ETag };
  };
  try {
    // A few parts at once: S3 copies each in seconds at most, and a large file has hundreds. Memory
    // holds at most one 5 MiB read part per call in flight.
    const completed = await mapInParallel(parts, PARTS_IN_FLIGHT, (part, i) => uploadPart(part, i + 1));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: targetKey, UploadId, MultipartUpload: { Parts: completed } }));
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: targetKey, UploadId })).catch(() => undefined);
    throw error;
  }
}

/** S3's limit of keys in one DeleteObjects call. */
export const DELETE_LIMIT = 1_000;

/** Deletes the objects in calls of at most 1,000 keys; fails if S3 reports a key it could not delete. */
export async function deleteObjects(s3: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += DELETE_LIMIT) {
    const group = keys.slice(start, start + DELETE_LIMIT);
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: group.map((Key) => ({ Key })), Quiet: true } }));
    const errors = result.Errors ?? [];
    if (errors.length > 0) throw new Error(`${errors.length} of ${group.length} objects were not deleted, e.g. ${errors[0]!.Key}: ${errors[0]!.Code}`);
  }
}
