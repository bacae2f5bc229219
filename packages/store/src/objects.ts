import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** One version of one object: a version id where the bucket keeps versions, the etag otherwise. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  etag: string;
  versionId?: string | undefined;
}

/** The object is gone or holds other content than the version asked for: reading it again cannot help. */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
}

const unquote = (etag: string) => etag.replace(/^"|"$/g, '');

function changedOrRethrow(error: unknown, what: string): never {
  if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.name === 'PreconditionFailed' || error.$metadata.httpStatusCode === 412)) {
    throw new ObjectChangedError(`${what} no longer exists or has changed since it was announced`, { cause: error });
  }
  throw error;
}

/** Size, identity and user metadata (`x-amz-meta-*`, names in lower case) of the object's current version, or of the given version. */
export async function headObject(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<ObjectVersion & { size: number; metadata: Record<string, string> }> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return { bucket, key, etag: unquote(head.ETag ?? ''), versionId: head.VersionId ?? versionId, size: head.ContentLength ?? 0, metadata: head.Metadata ?? {} };
  } catch (error) {
    return changedOrRethrow(error, `s3://${bucket}/${key}`);
  }
}

/**
 * Streams bytes [start, end) of exactly this version: by version id, or guarded by the etag so that an
 * object overwritten mid-batch fails loudly instead of mixing two files.
 */
export async function readObjectRange(s3: S3Client, object: ObjectVersion, start: number, end: number): Promise<AsyncIterable<Uint8Array>> {
  if (end <= start) return (async function* () {})();
  try {
    const result = await s3.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Range: `bytes=${start}-${end - 1}`,
        ...(object.versionId ? { VersionId: object.versionId } : { IfMatch: `"${object.etag}"` }),
      }),
    );
    return result.Body as Readable;
  } catch (error) {
    return changedOrRethrow(error, `s3://${object.bucket}/${object.key}`);
  }
}

/** Gathers a short stream (a sniffed head, a search window) into one buffer. */
export async function readBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const piece of source) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** A text object written as it is produced: memory holds the multipart upload's parts in flight, not the object. */
export interface ObjectWriter {
  write(data: string | Uint8Array): Promise<void>;
  /** Ends the object and waits until S3 has it. */
  close(): Promise<void>;
  /** Gives up the upload, so that no incomplete multipart upload lingers. */
  abort(): Promise<void>;
}

const PART_BYTES = 8 * 1024 * 1024;
const BUFFER_BYTES = 1024 * 1024;

export function openObjectWriter(s3: S3Client, bucket: string, key: string, contentType = 'application/x-ndjson'): ObjectWriter {
  const body = new PassThrough({ highWaterMark: BUFFER_BYTES });
  // A stream of unknown length cannot go through PutObject: Upload cuts it into parts as it comes.
  const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType }, partSize: PART_BYTES, queueSize: 2 });
  const done = upload.done();
  // Awaited in write() and close(); this keeps an early failure from being reported as unhandled.
  done.catch(() => undefined);
  return {
    async write(data) {
      if (!body.write(data)) await Promise.race([once(body, 'drain'), done]);
    },
    async close() {
      body.end();
      await done;
    },
    async abort() {
      body.destroy();
      await upload.abort().catch(() => undefined);
    },
  };
}
