/**
 * What planning a large batch reads (pnpm bench): an object of example companies (2 GiB unless
 * PLAN_BENCH_BYTES says otherwise) is uploaded to fauxqs, which keeps it in memory, and cut into chunks
 * of the stack's size (the function's default is the same) exactly as the batch function plans it, through an S3 client that counts every
 * GetObject request and the bytes S3 answers with. It prints figures; it asserts nothing.
 */
import { Readable } from 'node:stream';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DEFAULT_CHUNK_BYTES as CHUNK_BYTES, planChunks } from '@echo-ridge/batch';
import { readObjectRange } from '@echo-ridge/store';
import { s3Client, startFauxqsServer } from '../src/fauxqs.js';
import { companyLine } from '../test/support/companies.js';
import { countReads } from '../test/support/count-reads.js';
import { useEmulatorCredentials } from '../test/support/emulators.js';

const SIZE = Number(process.env.PLAN_BENCH_BYTES ?? 2 * 1024 ** 3);
const BUCKET = 'plan-bench';
const KEY = 'incoming/dev/large.jsonl';
const MiB = 1024 ** 2;

/** Example company lines, one malformed in a thousand, until `size` bytes (the last line cut short). */
function companies(size: number): Readable {
  let produced = 0;
  let index = 0;
  return Readable.from(
    (function* () {
      while (produced < size) {
        let text = '';
        while (text.length < MiB && produced + text.length < size) {
          text += index % 1000 === 999 ? '{"company_id": "broken",\n' : `${companyLine(index, 'plan')}\n`;
          index += 1;
        }
        const piece = Buffer.from(text).subarray(0, size - produced);
        produced += piece.length;
        yield piece;
      }
    })(),
  );
}

useEmulatorCredentials();
const fauxqs = await startFauxqsServer();
const s3 = s3Client(fauxqs.endpoint);
try {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const uploadStarted = Date.now();
  await new Upload({ client: s3, params: { Bucket: BUCKET, Key: KEY, Body: companies(SIZE) }, partSize: 8 * MiB, queueSize: 2 }).done();
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY }));
  const size = head.ContentLength ?? 0;
  console.log(`object: ${(size / 1024 ** 3).toFixed(2)} GiB uploaded to fauxqs in ${((Date.now() - uploadStarted) / 1000).toFixed(0)} s`);

  const reads = countReads(s3);
  const object = { bucket: BUCKET, key: KEY, etag: (head.ETag ?? '').replace(/"/g, '') };
  const planStarted = Date.now();
  const chunks = await planChunks(size, CHUNK_BYTES, (start, end) => readObjectRange(s3, object, start, end));
  const planMs = Date.now() - planStarted;
  const sizes = chunks.map((chunk) => chunk.end - chunk.start);
  console.log(`plan at CHUNK_BYTES ${CHUNK_BYTES} (${CHUNK_BYTES / MiB} MiB): ${chunks.length} chunks of ${Math.min(...sizes)} to ${Math.max(...sizes)} bytes`);
  console.log(`planning read ${reads.bytes} bytes (${(reads.bytes / MiB).toFixed(2)} MiB, ${((reads.bytes / size) * 100).toFixed(4)} % of the object) in ${reads.gets} ranged GETs, ${planMs} ms`);
} finally {
  s3.destroy();
  await fauxqs.stop();
}
