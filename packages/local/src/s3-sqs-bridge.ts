import { ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * S3 event notifications for the local runtime: no emulator here delivers them, so the bridge lists
 * the watched prefix and sends the queue the ObjectCreated event S3 would send for every object
 * version (key and etag) it has not announced yet, filtered by prefix and suffix like the stack's
 * notification, with a sequencer that grows from one event to the next as S3's do for one key.
 */

export interface ListedObject {
  key: string;
  etag: string;
  size: number;
}

export interface ObjectAnnouncement extends ListedObject {
  /** Orders the events of one key: a later upload has a greater value (hex, compared after left-padding). */
  sequencer: string;
}

/**
 * Sequencers as S3 hands them out for one key, greater for every later event: upper-case hex of the
 * clock in milliseconds times 2^20, plus one for each event within the same millisecond, so that a
 * bridge restarted on persisted data (`--persist`) goes on above the sequencers it sent before.
 */
export function sequencerClock(now: () => number = Date.now): () => string {
  let last = 0n;
  return () => {
    const fromClock = BigInt(now()) << 20n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
}

/** The notification S3 sends for a new object (event structure version 2.1); the key is URL-encoded as S3 encodes it. */
export function objectCreatedEvent(bucket: string, object: ObjectAnnouncement, region: string, time = new Date()): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: time.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-bridge',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(object.key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: object.size, eTag: object.etag, sequencer: object.sequencer },
        },
      },
    ],
  });
}

/** The listed objects that match the filter and were not announced before (a changed etag is a new object version). */
export function unannounced(listed: readonly _Object[], announced: ReadonlySet<string>, suffix: string): ListedObject[] {
  return listed.flatMap((object) => {
    if (!object.Key?.endsWith(suffix) || !object.ETag) return [];
    const etag = object.ETag.replace(/^"|"$/g, '');
    return announced.has(`${object.Key}\n${etag}`) ? [] : [{ key: object.Key, etag, size: object.Size ?? 0 }];
  });
}

export interface BridgeOptions {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  prefix: string;
  suffix: string;
  queueUrl: string;
  region: string;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface Bridge {
  /** Lists once and announces what is new; the poll loop calls it, tests may too. */
  scan(): Promise<void>;
  stop(): Promise<void>;
}

export function startS3ToSqsBridge(options: BridgeOptions): Bridge {
  const { s3, sqs, bucket, prefix, suffix, queueUrl, region, intervalMs = 250, onError = () => undefined } = options;
  const announced = new Set<string>();
  const nextSequencer = sequencerClock();
  let scanning = Promise.resolve();

  async function scanOnce(): Promise<void> {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of unannounced(page.Contents ?? [], announced, suffix)) {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: objectCreatedEvent(bucket, { ...object, sequencer: nextSequencer() }, region) }));
        announced.add(`${object.key}\n${object.etag}`);
      }
      token = page.NextContinuationToken;
    } while (token);
  }

  // Scans never overlap, so an object is announced once even when a scan outlasts the interval.
  const scan = () => (scanning = scanning.catch(() => undefined).then(scanOnce));
  const timer = setInterval(() => void scan().catch(onError), intervalMs);
  return {
    scan,
    async stop() {
      clearInterval(timer);
      await scanning.catch(() => undefined);
    },
  };
}
