import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { synthesize, type Synthesized } from './synth.js';

const S3_MANAGED = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
const BLOCK_ALL = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

describe.each(STAGE_NAMES)('storage (%s)', (stageName) => {
  let synth: Synthesized;
  let template: Template;
  const prod = stageName === 'prod';
  beforeAll(() => {
    synth = synthesize(stageName);
    template = synth.template;
  });

  it('has one on-demand table with the key schema, gsi1, TTL, PITR and KMS encryption the store relies on', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: `${stageName}-echo-ridge-data`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: prod,
        }),
      ],
    });
  });

  it(prod ? 'retains the table and buckets when the stack goes' : 'deletes the table and buckets with the stack', () => {
    const policy = prod ? 'Retain' : 'Delete';
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
    expect(synth.stack.terminationProtection).toBe(prod);
  });

  it('keeps every bucket private, encrypted and reachable over TLS only', () => {
    template.allResourcesProperties('AWS::S3::Bucket', { BucketEncryption: S3_MANAGED, PublicAccessBlockConfiguration: BLOCK_ALL });
    const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
    for (const bucket of buckets) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('versions the data bucket, expires incoming/, results/ and errors/, and logs access to the log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^StorageAccessLogs') }, LogFilePrefix: 'data/' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'incoming', Prefix: 'incoming/', ExpirationInDays: 30, Status: 'Enabled' },
          { Id: 'results', Prefix: 'results/', ExpirationInDays: 365, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }], Status: 'Enabled' },
          { Id: 'errors', Prefix: 'errors/', ExpirationInDays: 90, Status: 'Enabled' },
          { Id: 'versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
        ],
      },
    });
  });
});
