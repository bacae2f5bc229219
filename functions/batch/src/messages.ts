import { SEQUENCER_DIGITS } from '@echo-ridge/store';
import * as v from 'valibot';

/**
 * What arrives on the batch queue: S3's ObjectCreated notifications, the test event S3 sends when the
 * notification is configured, and the chunk messages this function sends itself.
 */

const S3RecordSchema = v.object({
  eventSource: v.literal('aws:s3'),
  eventName: v.pipe(v.string(), v.startsWith('ObjectCreated:')),
  /** When S3 finished the upload: where its scores sort among a company's scores (batch-scores.ts in the store). */
  eventTime: v.pipe(v.string(), v.isoTimestamp('eventTime is an ISO 8601 time')),
  s3: v.object({
    bucket: v.object({ name: v.pipe(v.string(), v.nonEmpty()) }),
    object: v.object({
      key: v.pipe(v.string(), v.nonEmpty()),
      eTag: v.pipe(v.string(), v.nonEmpty()),
      versionId: v.optional(v.string()),
      /** Orders the uploads of one key within a millisecond (batch-scores.ts in the store); S3 sends it with every ObjectCreated event. */
      sequencer: v.pipe(v.string(), v.regex(/^[0-9A-Fa-f]+$/, 'an S3 sequencer is hex digits'), v.maxLength(SEQUENCER_DIGITS)),
    }),
  }),
});

const S3EventSchema = v.object({ Records: v.pipe(v.array(S3RecordSchema), v.minLength(1)) });

const TestEventSchema = v.object({ Service: v.literal('Amazon S3'), Event: v.literal('s3:TestEvent') });

export const ChunkMessageSchema = v.object({
  type: v.literal('batch-chunk'),
  batch_id: v.pipe(v.string(), v.nonEmpty()),
  chunk: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type ChunkMessage = v.InferOutput<typeof ChunkMessageSchema>;

export interface ObjectCreated {
  bucket: string;
  key: string;
  etag: string;
  versionId?: string | undefined;
  sequencer: string;
  /** The event's `eventTime`, normalised to `toISOString()` so that times compare as strings. */
  uploadedAt: string;
}

export type BatchMessage = { kind: 'test' } | { kind: 'objects'; objects: ObjectCreated[] } | { kind: 'chunk'; batchId: string; chunk: number };

/** A message that no delivery can make sense of; it fails every time until SQS parks it in the DLQ. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** S3 event keys are URL-encoded, with '+' for a space. */
export const decodeS3Key = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

export function parseBatchMessage(body: string): BatchMessage {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('the message is not JSON');
  }
  if (v.is(TestEventSchema, message)) return { kind: 'test' };
  const chunk = v.safeParse(ChunkMessageSchema, message);
  if (chunk.success) return { kind: 'chunk', batchId: chunk.output.batch_id, chunk: chunk.output.chunk };
  const event = v.safeParse(S3EventSchema, message);
  if (!event.success) throw new PoisonMessageError(`the message is neither an S3 ObjectCreated event nor a chunk message: ${v.summarize(event.issues)}`);
  return {
    kind: 'objects',
    objects: event.output.Records.map(({ s3, eventTime }) => ({
      bucket: s3.bucket.name,
      key: decodeS3Key(s3.object.key),
      etag: s3.object.eTag,
      versionId: s3.object.versionId || undefined,
      sequencer: s3.object.sequencer,
      uploadedAt: new Date(eventTime).toISOString(),
    })),
  };
}
