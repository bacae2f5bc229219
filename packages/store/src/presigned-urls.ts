import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BATCH_ID_METADATA } from './batch-inputs.js';

const JSONL_MEDIA_TYPE = 'application/x-ndjson';

/** S3's largest single PUT: an upload to a presigned PUT URL can be no larger, and S3 itself refuses more. */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

/** How to upload one batch file: PUT the file's bytes to `url` with exactly these headers, before `expires_at`. */
export interface PresignedUpload {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expires_at: string;
  max_bytes: number;
}

export interface PresignOptions {
  bucket: string;
  key: string;
  expiresInSeconds: number;
  now: Date;
}

const expiry = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/**
 * A URL that lets its holder put one file at `key`, carrying `batchId` in a signed metadata header (kept
 * out of the query string, so the upload must send it and cannot send another) and JSONL's media type,
 * signed too (a client's default, such as curl's form encoding, is refused rather than stored). The URL
 * is signed with the caller's credentials, so it works only while they may write there and the session
 * lasts.
 */
export async function presignUpload(s3: S3Client, batchId: string, { bucket, key, expiresInSeconds, now }: PresignOptions): Promise<PresignedUpload> {
  const header = `x-amz-meta-${BATCH_ID_METADATA}`;
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: JSONL_MEDIA_TYPE, Metadata: { [BATCH_ID_METADATA]: batchId } }), {
    expiresIn: expiresInSeconds,
    unhoistableHeaders: new Set([header]),
  });
  return { method: 'PUT', url, headers: { 'content-type': JSONL_MEDIA_TYPE, [header]: batchId }, expires_at: expiry(now, expiresInSeconds), max_bytes: MAX_UPLOAD_BYTES };
}

/** A URL that lets its holder read one object until it expires. */
export async function presignDownload(s3: S3Client, { bucket, key, expiresInSeconds, now }: PresignOptions): Promise<{ url: string; expires_at: string }> {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
  return { url, expires_at: expiry(now, expiresInSeconds) };
}
