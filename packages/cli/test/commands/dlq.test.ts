import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ensureBatchResources, LOCAL_AWS, objectCreatedEvent, sqsClient, startFauxqsServer, type BatchResources, type Fauxqs } from '@echo-ridge/local';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { DeadLetter } from '../../src/dead-letters.js';
import { runMain } from '../support/run-command.js';

/** `echo-ridge dlq …` in this process, as the bin runs it. */
const runDlq = (...args: string[]) => runMain(['dlq', ...args]);

/** The SDK's settings for this file: emulator credentials and region, so that nothing can reach AWS; restored afterwards. */
const ENV = { AWS_REGION: LOCAL_AWS.region, AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey };
const savedEnv = { ...process.env };
beforeAll(() => {
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, ENV);
});
afterAll(() => {
  process.env = savedEnv;
});

// fauxqs (2.4.1) answers ReceiveMessage with the system attributes the listing shows, but not
// StartMessageMoveTask, ListMessageMoveTasks or CancelMessageMoveTask: redrive is tested on a mocked client.
describe('echo-ridge dlq list on fauxqs', () => {
  const MAX_RECEIVE_COUNT = 3;
  let fauxqs: Fauxqs;
  let resources: BatchResources;
  let sqs: SQSClient;
  let sent: { s3Event: string; chunk: string; poison: string };
  let parkedBetween: [number, number];

  beforeAll(async () => {
    fauxqs = await startFauxqsServer();
    process.env.AWS_ENDPOINT_URL_SQS = fauxqs.endpoint;
    resources = await ensureBatchResources(fauxqs.endpoint, {
      bucket: 'staging-data',
      queue: 'staging-echo-ridge-batch',
      deadLetterQueue: 'staging-echo-ridge-batch-dlq',
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    sqs = sqsClient(fauxqs.endpoint);
    const send = async (body: string) => (await sqs.send(new SendMessageCommand({ QueueUrl: resources.queueUrl, MessageBody: body }))).MessageId!;
    const start = Date.now();
    sent = {
      s3Event: await send(objectCreatedEvent('staging-data', { key: 'incoming/acme q3.jsonl', etag: 'e1', size: 10, sequencer: '0055AED6DCD90281E5' }, LOCAL_AWS.region)),
      chunk: await send(JSON.stringify({ type: 'batch-chunk', batch_id: 'b'.repeat(32), chunk: 2 })),
      poison: await send('not json'),
    };
    // Every delivery fails, as when the batch function cannot process them: the receive after the
    // third moves each message to the dead-letter queue.
    for (let receive = 0; receive <= MAX_RECEIVE_COUNT; receive++) {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    }
    parkedBetween = [start, Date.now()];
  });
  afterAll(async () => {
    sqs.destroy();
    await fauxqs.stop();
    delete process.env.AWS_ENDPOINT_URL_SQS;
  });

  /**
   * Messages in the dead-letter queue, visible or not: fauxqs makes a message received with a
   * visibility timeout of 0 visible again only at the next receive, and counts it as not visible until then.
   */
  const depth = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: resources.deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  it("finds the stage's dead-letter queue by name and shows each message's id, receive count, first failure, send time and subject", async () => {
    expect(await depth()).toBe(3);
    const run = await runDlq('list', '--stage', 'staging');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`${resources.deadLetterQueueUrl}: 3 shown of about 3 messages\n`);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^MESSAGE ID +RECEIVES +FIRST FAILED +SENT +SUBJECT$/);
    const subjects = { [sent.s3Event]: 's3://staging-data/incoming/acme q3.jsonl', [sent.chunk]: `batch ${'b'.repeat(32)} chunk 2`, [sent.poison]: 'unreadable: the message is not JSON' };
    expect(rows.map((row) => row.split(/ {2,}/))).toEqual(
      expect.arrayContaining(Object.entries(subjects).map(([id, subject]) => [id, expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d{4}-/), expect.stringMatching(/^\d{4}-/), subject])),
    );
    expect(rows).toHaveLength(3);
  });

  it('leaves the messages where they are, and shows the same ones again, as JSON lines with the failure times', async () => {
    await runDlq('list', '--stage', 'staging');
    expect(await depth()).toBe(3);
    const run = await runDlq('list', '--dlq-url', resources.deadLetterQueueUrl, '--json');
    expect(run.code).toBe(0);
    const letters = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    expect(letters.map((letter) => letter.message_id).sort()).toEqual(Object.values(sent).sort());
    for (const letter of letters) {
      expect(Object.keys(letter)).toEqual(['message_id', 'receive_count', 'sent_at', 'first_failed_at', 'subject']);
      // The batch function's failed deliveries, then every look at the dead-letter queue.
      expect(letter.receive_count).toBeGreaterThan(MAX_RECEIVE_COUNT);
      const [from, to] = parkedBetween;
      expect(Date.parse(letter.first_failed_at!)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(letter.first_failed_at!)).toBeLessThanOrEqual(to);
      expect(Date.parse(letter.sent_at!)).toBeLessThanOrEqual(Date.parse(letter.first_failed_at!));
    }
  });

  it('shows at most --max messages', async () => {
    const run = await runDlq('list', '--stage', 'staging', '--max', '2', '--json');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/: 2 shown of about \d+ messages\n$/);
  });

  it('names the queue it could not find, as a usage failure', async () => {
    const run = await runDlq('list', '--stage', 'prd');
    expect(run).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^echo-ridge dlq: cannot find the queue prd-echo-ridge-batch-dlq: QueueDoesNotExist: .+\n$/) });
  });
});

describe('echo-ridge dlq redrive (mocked SQS client)', () => {
  let sqs: AwsClientStub<SQSClient>;
  const [dlqUrl, queueUrl] = ['https://sqs.eu-west-1.amazonaws.com/123456789012/prod-echo-ridge-batch-dlq', 'https://sqs.eu-west-1.amazonaws.com/123456789012/prod-echo-ridge-batch'];
  const [dlqArn, queueArn] = ['arn:aws:sqs:eu-west-1:123456789012:prod-echo-ridge-batch-dlq', 'arn:aws:sqs:eu-west-1:123456789012:prod-echo-ridge-batch'];
  const stackQueues = () => {
    sqs.on(GetQueueUrlCommand, { QueueName: 'prod-echo-ridge-batch-dlq' }).resolves({ QueueUrl: dlqUrl });
    sqs.on(GetQueueUrlCommand, { QueueName: 'prod-echo-ridge-batch' }).resolves({ QueueUrl: queueUrl });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: dlqUrl }).resolves({ Attributes: { QueueArn: dlqArn, ApproximateNumberOfMessages: '7' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: queueUrl }).resolves({ Attributes: { QueueArn: queueArn, ApproximateNumberOfMessages: '0' } });
  };
  beforeAll(() => {
    sqs = mockClient(SQSClient);
  });
  afterEach(() => {
    sqs.reset();
  });
  afterAll(() => sqs.restore());

  it("starts a message move task from the stage's dead-letter queue to its batch queue and reports the task handle", async () => {
    stackQueues();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-handle-1' });
    const run = await runDlq('redrive', '--stage', 'prod', '--rate', '10');
    expect(run.code).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: dlqArn, DestinationArn: queueArn, MaxNumberOfMessagesPerSecond: 10 },
    ]);
    expect(run.stdout).toBe(
      [
        `moving about 7 messages from ${dlqArn} to ${queueArn}`,
        'task handle: task-handle-1',
        `progress: aws sqs list-message-move-tasks --source-arn ${dlqArn}`,
        'cancel:   aws sqs cancel-message-move-task --task-handle task-handle-1',
        '',
      ].join('\n'),
    );
  });

  it('takes the queues by URL instead of by stage, and leaves the rate to SQS when none is given', async () => {
    stackQueues();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-handle-2' });
    const run = await runDlq('redrive', '--dlq-url', dlqUrl, '--queue-url', queueUrl);
    expect(run.code).toBe(0);
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: dlqArn, DestinationArn: queueArn });
  });

  it("passes SQS's refusal on, naming the move it refused", async () => {
    stackQueues();
    sqs.on(StartMessageMoveTaskCommand).rejects(new ResourceNotFoundException({ message: 'A message move task is already running for this source.', $metadata: {} }));
    expect(await runDlq('redrive', '--stage', 'prod')).toEqual({
      code: 2,
      stdout: '',
      stderr: `echo-ridge dlq: cannot start moving messages from ${dlqArn} to ${queueArn}: ResourceNotFoundException: A message move task is already running for this source.\n`,
    });
  });
});

describe('echo-ridge dlq arguments', () => {
  it.each([
    [['list'], 'name the stage (--stage staging|prod) or the queue (--dlq-url)'],
    [['redrive', '--dlq-url', 'https://sqs.example/1/dlq'], 'name the stage (--stage staging|prod) or the queue (--queue-url)'],
    [['list', '--stage', 'prod', '--rate', '5'], '--rate belongs to dlq redrive'],
    [['redrive', '--stage', 'prod', '--json'], '--json belongs to dlq list'],
    [['list', '--stage', 'prod', '--max', '0'], '--max must be a whole number from 1 to 1000 (got "0")'],
    [['redrive', '--stage', 'prod', '--rate', '501'], '--rate must be a whole number from 1 to 500 (got "501")'],
    [['purge', '--stage', 'prod'], 'unknown action "purge"'],
  ])('refuses %j before calling SQS', async (args, message) => {
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:1:q', ApproximateNumberOfMessages: '0' } });
    try {
      const run = await runDlq(...args);
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(`echo-ridge dlq: ${message}`);
      expect(sqs.calls().filter((call) => !(call.args[0] instanceof GetQueueAttributesCommand))).toHaveLength(0);
    } finally {
      sqs.restore();
    }
  });
});
