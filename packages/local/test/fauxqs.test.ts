import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ensureBatchResources, s3Client, sqsClient, startFauxqsServer, type Fauxqs } from '../src/fauxqs.js';
import { useEmulatorCredentials } from './support/emulators.js';

const NAMES = { bucket: 'echo-ridge-data', queue: 'batch', deadLetterQueue: 'batch-dlq', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 };

let folder: string | undefined;
let server: Fauxqs | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('fauxqs with --persist', () => {
  it('keeps objects and unreceived messages across a restart, and re-creating the resources keeps them', async () => {
    useEmulatorCredentials();
    folder = await mkdtemp(join(tmpdir(), 'echo-ridge-fauxqs-'));
    server = await startFauxqsServer({ persistDir: folder });
    let s3 = s3Client(server.endpoint);
    let sqs = sqsClient(server.endpoint);
    const { queueUrl } = await ensureBatchResources(server.endpoint, NAMES);
    await s3.send(new PutObjectCommand({ Bucket: NAMES.bucket, Key: 'incoming/a.jsonl', Body: '{"company_id":"x"}\n' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'kept' }));
    s3.destroy();
    sqs.destroy();
    await server.stop();

    server = await startFauxqsServer({ persistDir: folder });
    s3 = s3Client(server.endpoint);
    sqs = sqsClient(server.endpoint);
    try {
      const again = await ensureBatchResources(server.endpoint, NAMES);
      const object = await s3.send(new GetObjectCommand({ Bucket: NAMES.bucket, Key: 'incoming/a.jsonl' }));
      expect(await object.Body?.transformToString()).toBe('{"company_id":"x"}\n');
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: again.queueUrl, WaitTimeSeconds: 1 }));
      expect(received.Messages?.map((message) => message.Body)).toEqual(['kept']);
    } finally {
      s3.destroy();
      sqs.destroy();
    }
  });

  it('keeps nothing without it', async () => {
    useEmulatorCredentials();
    server = await startFauxqsServer();
    const s3 = s3Client(server.endpoint);
    await ensureBatchResources(server.endpoint, NAMES);
    await s3.send(new PutObjectCommand({ Bucket: NAMES.bucket, Key: 'k', Body: 'v' }));
    await server.stop();
    server = await startFauxqsServer();
    const next = s3Client(server.endpoint);
    await expect(next.send(new GetObjectCommand({ Bucket: NAMES.bucket, Key: 'k' }))).rejects.toThrow();
    s3.destroy();
    next.destroy();
  });
});
