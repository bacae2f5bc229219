import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { resourceById, synthesize } from './synth.js';

describe.each(STAGE_NAMES)('audit trail (%s)', (stage) => {
  let template: Template;
  const logicalId = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.length}`);
    return ids[0]!;
  };
  beforeAll(() => {
    template = synthesize(stage).template;
  });

  it('records every read and write of the data bucket objects and the table items, and nothing else', () => {
    const trail = resourceById(template, logicalId('AWS::CloudTrail::Trail', 'AuditTrail'));
    const dataEvents = (type: string, arn: Record<string, unknown>) => [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: [type] },
      { Field: 'resources.ARN', ...arn },
    ];
    // No readOnly selector: reads and writes alike. No management selector and no basic selectors either.
    expect(trail.Properties.AdvancedEventSelectors).toEqual([
      { Name: 'data bucket objects', FieldSelectors: dataEvents('AWS::S3::Object', { StartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId('AWS::S3::Bucket', 'StorageData'), 'Arn'] }, '/']] }] }) },
      { Name: 'table items', FieldSelectors: dataEvents('AWS::DynamoDB::Table', { Equals: [{ 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable', 'StorageTable'), 'Arn'] }] }) },
    ]);
    expect(trail.Properties.EventSelectors).toBeUndefined();
    expect(trail.Properties).toMatchObject({ TrailName: `${stage}-echo-ridge-audit`, IsLogging: true, IsMultiRegionTrail: false, EnableLogFileValidation: true });
  });

  it('keeps the events a year in a private bucket and in a log group for queries', () => {
    const trail = resourceById(template, logicalId('AWS::CloudTrail::Trail', 'AuditTrail'));
    const bucket = logicalId('AWS::S3::Bucket', 'AuditRecords');
    const logGroup = logicalId('AWS::Logs::LogGroup', 'AuditLogs');
    expect(trail.Properties).toMatchObject({ S3BucketName: { Ref: bucket }, CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [logGroup, 'Arn'] } });
    expect(resourceById(template, bucket).Properties).toMatchObject({
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId('AWS::S3::Bucket', 'StorageAccessLogs') }, LogFilePrefix: 'audit/' },
    });
    expect(resourceById(template, logGroup).Properties).toMatchObject({ LogGroupName: `/aws/cloudtrail/${stage}-echo-ridge-audit`, RetentionInDays: 365 });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  it('keeps the API access log, the record of every customer request, a year under a name the runbook queries', () => {
    const logGroup = logicalId('AWS::Logs::LogGroup', 'ApiAccessLogs');
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: { 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: logGroup }])] } },
    });
    expect(resourceById(template, logGroup).Properties).toMatchObject({ LogGroupName: `/aws/apigateway/${stage}-echo-ridge-api`, RetentionInDays: 365 });
  });
});
