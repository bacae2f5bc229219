import { beforeAll, describe, expect, it } from '@jest/globals';
import { sampleRateSetting } from '@echo-ridge/engine';
import type { Template } from 'aws-cdk-lib/assertions';
import * as v from 'valibot';
import { CHUNK_BYTES } from '../lib/batch.js';
import { RUNBOOK } from '../lib/runbook.js';
import { STAGE_NAMES, STAGES } from '../lib/stage.js';
import { dataBucketId, resourceById, roleStatements, SERVICES, serviceFunction, synthesize } from './synth.js';

/** Memory and timeout per service, as chosen in the constructs; the runbook caps memory below 2 GB. */
const SIZES = {
  'score-api': { MemorySize: 1024, Timeout: 15 },
  batch: { MemorySize: 1536, Timeout: 300 },
  'context-refresh': { MemorySize: 512, Timeout: 120 },
  authorizer: { MemorySize: 256, Timeout: 3 },
} as const;

describe.each(STAGE_NAMES)('service functions (%s)', (stage) => {
  let template: Template;
  beforeAll(() => {
    template = synthesize(stage).template;
  });

  it.each(SERVICES)('%s runs index.handler on Node.js 22 and arm64, with memory under the 2 GB resource SLO', (service) => {
    const { props } = serviceFunction(template, stage, service);
    expect(props).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', ...SIZES[service] });
    expect(props.MemorySize).toBeLessThan(2048);
  });

  it.each(SERVICES)('%s gets the environment the handlers read', (service) => {
    const { props } = serviceFunction(template, stage, service);
    const resultsRule = (resourceById(template, dataBucketId(template)) as unknown as {
      Properties: { LifecycleConfiguration: { Rules: { Id?: string; ExpirationInDays?: number }[] } };
    }).Properties.LifecycleConfiguration.Rules.find((rule) => rule.Id === 'results');
    expect(props.Environment).toEqual({
      Variables: {
        TABLE_NAME: { Ref: expect.stringMatching(/^StorageTable/) },
        BUCKET_NAME: { Ref: expect.stringMatching(/^StorageData/) },
        WEIGHTS_CONFIG_PATH: '/var/task/weights.yaml',
        MASK_ON_INFEASIBLE: 'true',
        // The table's TTL and the results/ lifecycle keep a result equally long.
        RETENTION_DAYS: String(resultsRule?.ExpirationInDays),
        LOG_LEVEL: STAGES[stage].logLevel,
        POWERTOOLS_SERVICE_NAME: `${stage}-echo-ridge-${service}`,
        POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
        NODE_OPTIONS: '--enable-source-maps',
        // Only the functions that score keep a sample of what they scored.
        ...(service === 'score-api' || service === 'batch' ? { SAMPLE_RATE: String(STAGES[stage].sampleRate) } : {}),
        ...(service === 'batch' ? { QUEUE_URL: { Ref: expect.stringMatching(/^BatchQueue/) }, CHUNK_BYTES: String(CHUNK_BYTES) } : {}),
      },
    });
  });

  it.each(['score-api', 'batch'] as const)("%s gets the stage's SAMPLE_RATE, a value the functions accept", (service) => {
    const { props } = serviceFunction(template, stage, service);
    const rate = (props.Environment as { Variables: Record<string, string> }).Variables.SAMPLE_RATE;
    expect(rate).toBe(stage === 'prod' ? '0.1' : '1');
    expect(v.parse(sampleRateSetting('SAMPLE_RATE'), rate)).toBe(STAGES[stage].sampleRate);
  });

  it.each(SERVICES)("%s logs JSON to its own log group with the runbook's retention for the stage", (service) => {
    const { props } = serviceFunction(template, stage, service);
    const logGroup = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(props.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroup }, ApplicationLogLevel: STAGES[stage].logLevel, SystemLogLevel: 'INFO' });
    expect(resourceById(template, logGroup)).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/lambda/${stage}-echo-ridge-${service}`, RetentionInDays: RUNBOOK.logRetention[stage] },
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroup },
      FilterPattern: '{ $.type = "platform.report" }',
      MetricTransformations: [{ MetricNamespace: 'EchoRidge/MaxMemoryUsedMB', MetricName: `${stage}-echo-ridge-${service}`, MetricValue: '$.record.metrics.maxMemoryUsedMB' }],
    });
  });

  it.each(SERVICES)('%s has a role with no managed policy that may write only its own log group, and traces', (service) => {
    const { props } = serviceFunction(template, stage, service);
    const role = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resourceById(template, role).Properties.ManagedPolicyArns).toBeUndefined();
    const logGroup = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const logStatements = roleStatements(template, props).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('logs:')));
    expect(logStatements).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } }]);
    // Active tracing: X-Ray's trace uploads have no resource-level permissions.
    const traceStatements = roleStatements(template, props).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('xray:')));
    expect(traceStatements).toEqual([{ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }]);
  });
});
