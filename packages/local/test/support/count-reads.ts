import type { S3Client } from '@aws-sdk/client-s3';

/** What a client's GetObject calls have received so far. */
export interface ReadCount {
  gets: number;
  /** Bytes S3 answered with (Content-Length): what came over the wire, read or not. */
  bytes: number;
}

/** Counts every GetObject of this client from now on. */
export function countReads(s3: S3Client): ReadCount {
  const count: ReadCount = { gets: 0, bytes: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetObjectCommand') {
        count.gets += 1;
        count.bytes += Number((result.output as { ContentLength?: number }).ContentLength ?? 0);
      }
      return result;
    },
    { step: 'initialize', name: 'countReads' },
  );
  return count;
}
