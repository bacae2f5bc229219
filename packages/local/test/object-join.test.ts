import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { deleteObjects, joinObjects } from '@echo-ridge/store';
import { s3Client, startFauxqsServer, type Fauxqs } from '../src/fauxqs.js';
import { useEmulatorCredentials } from './support/emulators.js';

/** The join inside S3 on fauxqs, which enforces S3's 5 MiB minimum for copied part ranges as S3 does. */

const MiB = 1024 * 1024;
const BUCKET = 'join-test';

let fauxqs: Fauxqs;
let s3: S3Client;
/** Bytes of every GetObject answer: what passed through the joiner. */
let bytesDownloaded = 0;

beforeAll(async () => {
  useEmulatorCredentials();
  fauxqs = await startFauxqsServer();
  s3 = s3Client(fauxqs.endpoint);
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetObjectCommand') bytesDownloaded += Number((result.output as { ContentLength?: number }).ContentLength ?? 0);
      return result;
    },
    { step: 'initialize', name: 'countDownloads' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await fauxqs?.stop();
});

const filled = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => 97 + ((i * 7 + seed) % 26)));

async function put(key: string, body: Buffer) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return body;
}

const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());

describe('joinObjects on fauxqs', () => {
  it('joins large and small parts in order, reading only the small ones and the bytes they borrow', async () => {
    const bodies = [await put('p/0', filled(6 * MiB, 1)), await put('p/1', filled(1000, 2)), await put('p/2', Buffer.alloc(0)), await put('p/3', filled(11 * MiB, 3)), await put('p/4', filled(100, 4))];
    bytesDownloaded = 0;
    await joinObjects(s3, BUCKET, ['p/0', 'p/1', 'p/2', 'p/3', 'p/4'], 'joined/a');
    const joinedRead = bytesDownloaded;
    expect((await read('joined/a')).equals(Buffer.concat(bodies))).toBe(true);
    // p/1 and p/4, and what p/3 lends p/1 to make 5 MiB: no byte of p/0 and most of p/3 never came through.
    expect(joinedRead).toBe(5 * MiB + 100);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
  });

  it('copies a single part, puts a small total, writes an empty object for empty parts, and fails on a missing part', async () => {
    const big = await put('q/big', filled(MiB, 5));
    bytesDownloaded = 0;
    await joinObjects(s3, BUCKET, ['q/big'], 'joined/one');
    expect(bytesDownloaded).toBe(0);
    expect((await read('joined/one')).equals(big)).toBe(true);

    const small = [await put('q/s0', filled(10, 6)), await put('q/s1', filled(20, 7))];
    await joinObjects(s3, BUCKET, ['q/s0', 'q/s1'], 'joined/small');
    expect((await read('joined/small')).equals(Buffer.concat(small))).toBe(true);

    await put('q/e0', Buffer.alloc(0));
    await joinObjects(s3, BUCKET, ['q/e0', 'q/e0'], 'joined/empty');
    expect((await read('joined/empty')).length).toBe(0);

    await expect(joinObjects(s3, BUCKET, ['q/s0', 'q/missing'], 'joined/never')).rejects.toThrow();
  });

  it('deletes more than 1,000 keys in groups S3 accepts', async () => {
    const keys = Array.from({ length: 1_203 }, (_, i) => `many/${i}`);
    for (let start = 0; start < keys.length; start += 50) await Promise.all(keys.slice(start, start + 50).map((key) => put(key, Buffer.from('x'))));
    await deleteObjects(s3, BUCKET, keys);
    await expect(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'many/' }))).resolves.toMatchObject({ KeyCount: 0 });
  });
});
