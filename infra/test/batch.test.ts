import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { resourceById, dataBucketId, grantStatements, serviceFunction, synthesize } from './synth.js';

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objects = (bucket: string, prefix: string) => ({ 'Fn::Join': ['', [arn(bucket), `/${prefix}*`]] });

describe.each(STAGE_NAMES)('batch pipeline (%s)', (stage) => {
  let template: Template;
  let queue: string;
  let dlq: string;
  let bucket: string;
  let table: string;
  beforeAll(() => {
    template = synthesize(stage).template;
    const id = (type: string, name: string) => Object.keys(template.findResources(type, { Properties: { QueueName: name } }))[0] ?? '';
    queue = id('AWS::SQS::Queue', `${stage}-echo-ridge-batch`);
    dlq = id('AWS::SQS::Queue', `${stage}-echo-ridge-batch-dlq`);
    bucket = dataBucketId(template);
    table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0] ?? '';
  });

  it('parks a message in an encrypted dead-letter queue after three receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${stage}-echo-ridge-batch`,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arn(dlq), maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `${stage}-echo-ridge-batch-dlq`, SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('hides a message for at least six batch-function timeouts', () => {
    const visibility = resourceById(template, queue).Properties.VisibilityTimeout as number;
    const { props } = serviceFunction(template, stage, 'batch');
    expect(visibility).toBeGreaterThanOrEqual(6 * (props.Timeout as number));
  });

  it.each(['queue', 'dead-letter queue'])('refuses requests to the %s that are not over TLS', (which) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: which === 'queue' ? queue : dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('turns every new incoming/*.jsonl object into a message on the batch queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucket },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jsonl' }, { Name: 'prefix', Value: 'incoming/' }] } },
            QueueArn: arn(queue),
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnLike: { 'aws:SourceArn': arn(bucket) } },
          }),
        ]),
      },
    });
  });

  it('feeds the batch function from the queue, reporting failures per message', () => {
    const { id } = serviceFunction(template, stage, 'batch');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(queue),
      FunctionName: { Ref: id },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('passes the chunk size derived from the timeout and the slowest table, 8 MiB', () => {
    const { props } = serviceFunction(template, stage, 'batch');
    expect((props.Environment as { Variables: Record<string, unknown> }).Variables.CHUNK_BYTES).toBe(String(8 * 2 ** 20));
  });

  it('grants the batch function its queue, the table, and only its prefixes of the bucket', () => {
    const { props } = serviceFunction(template, stage, 'batch');
    const statements = grantStatements(template, props);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
        Resource: arn(queue),
      },
      { Effect: 'Allow', Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']), Resource: [arn(table), { 'Fn::Join': ['', [arn(table), '/index/*']] }] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [objects(bucket, 'contexts/'), objects(bucket, 'incoming/')] },
      // Listing only tells a missing input (404) from a forbidden one (403); no object is readable through it.
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn(bucket) },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        Resource: [objects(bucket, 'errors/'), objects(bucket, 'results/')],
      },
    ]);
  });
});
