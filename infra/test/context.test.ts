import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { dataBucketId, grantStatements, serviceFunction, synthesize } from './synth.js';

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe.each(STAGE_NAMES)('context refresh (%s)', (stage) => {
  let template: Template;
  let bucket: string;
  let table: string;
  beforeAll(() => {
    template = synthesize(stage).template;
    bucket = dataBucketId(template);
    table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0] ?? '';
  });

  it('runs the refresh function every day at 03:00 UTC, retrying a failed run twice within the hour', () => {
    const { id } = serviceFunction(template, stage, 'context-refresh');
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: `${stage}-echo-ridge-context-refresh`,
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: arn(id), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arn(id),
      Principal: 'events.amazonaws.com',
      SourceArn: arn(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { Name: `${stage}-echo-ridge-context-refresh` } }))[0] ?? ''),
    });
  });

  it('grants the refresh the table and the contexts/ prefix of the bucket, and nothing else there', () => {
    const { props } = serviceFunction(template, stage, 'context-refresh');
    const statements = grantStatements(template, props);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']), Resource: [arn(table), { 'Fn::Join': ['', [arn(table), '/index/*']] }] },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [arn(bucket), '/contexts/*']] },
      },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn(bucket) },
    ]);
  });

  it('names the function in an output, for `echo-ridge context refresh --stage`', () => {
    const { id } = serviceFunction(template, stage, 'context-refresh');
    expect((template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs.ContextRefreshFunction?.Value).toEqual({ Ref: id });
  });
});
