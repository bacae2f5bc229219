import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { defineApp } from '../lib/app.js';
import { RUNBOOK } from '../lib/runbook.js';
import { STAGE_NAMES, type StageName } from '../lib/stage.js';
import { resourceById, SERVICES, synthesize, type Synthesized } from './synth.js';

/** The plugin package ships cfn-guard and the Control Tower rules; the tests run them directly too. */
const GUARD_PACKAGE = dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const GUARD = join(GUARD_PACKAGE, 'bin', 'ubuntu', arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
const CONTROL_TOWER_RULES = join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;

/** The Control Tower rules acknowledged anywhere in the tree. */
function acknowledgedControls(root: IConstruct): Set<string> {
  const found = new Set<string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        if (id.startsWith('cdk-validator-cfnguard::')) found.add(id.slice('cdk-validator-cfnguard::'.length));
      }
    }
  }
  return found;
}

/** The rules the shipped cfn-guard binary fails on a template, by its own summary. */
function failingRules(templatePath: string): string[] {
  let output: string;
  try {
    output = execFileSync(GUARD, ['validate', '--rules', CONTROL_TOWER_RULES, '--data', templatePath, '--show-summary', 'fail'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // cfn-guard exits 19 when a rule fails; its report is on stdout all the same.
    output = (error as { stdout: string }).stdout;
  }
  return [...new Set([...output.matchAll(/^\S+\.guard\/(\w+)\s+FAIL$/gm)].map((match) => match[1]!))].sort();
}

describe.each(STAGE_NAMES)('Control Tower proactive controls (%s)', (stage) => {
  let synth: Synthesized;
  let template: Template;
  let resources: Resources;
  const prod = stage === 'prod';
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  beforeAll(() => {
    synth = synthesize(stage);
    template = synth.template;
    resources = (template.toJSON() as { Resources: Resources }).Resources;
  });

  it('acknowledges only the rules the runbook lists, each where it is decided', () => {
    expect([...acknowledgedControls(synth.stack)].sort()).toEqual(
      [
        'cloudwatch_alarm_action_check',
        'cloudwatch_log_group_encrypted_check',
        // Staging keeps its operational logs two weeks; prod a year, as the control asks.
        ...(prod ? [] : ['cloudwatch_log_group_retention_period_check']),
        'lambda_function_public_access_prohibited_check',
        'lambda_inside_vpc_check',
        's3_bucket_default_encryption_kms_check',
        's3_bucket_logging_enabled_check',
        's3_bucket_object_lock_enabled_check',
        's3_event_notifications_enabled_check',
        'sqs_dlq_check',
      ].sort(),
    );
  });

  it('fails, run by the shipped cfn-guard on the template, only acknowledged rules', () => {
    const failing = failingRules(join(synth.assembly.directory, synth.stack.templateFile));
    expect(failing.length).toBeGreaterThan(0);
    const acknowledged = acknowledgedControls(synth.stack);
    expect(failing.filter((rule) => !acknowledged.has(rule))).toEqual([]);
  });

  it('gives every Lambda permission for an AWS service the source account', () => {
    const permissions = ofType('AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThanOrEqual(9);
    for (const [id, { Properties }] of permissions) {
      expect([id, Properties.SourceAccount, Properties.SourceArn !== undefined]).toEqual([id, { Ref: 'AWS::AccountId' }, true]);
    }
  });

  it('logs API errors without bodies and traces every request on the stage, sampled by the runbook', () => {
    const [[stageId, apiStage]] = ofType('AWS::ApiGateway::Stage') as [[string, Resources[string]]];
    expect(apiStage.Properties).toMatchObject({ TracingEnabled: true });
    // One setting for every method, then one per public method for its own throttle: none logs bodies.
    const settings = apiStage.Properties.MethodSettings as { HttpMethod: string; ResourcePath: string; DataTraceEnabled?: boolean }[];
    expect(settings).toContainEqual(expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }));
    expect(settings.map(({ ResourcePath, DataTraceEnabled }) => [ResourcePath, DataTraceEnabled])).toEqual(settings.map(({ ResourcePath }) => [ResourcePath, false]));
    // The group API Gateway would otherwise create without retention exists before the stage logs to it.
    const [[logGroupId, logGroup]] = Object.entries(resources).filter(([id]) => id.startsWith('ApiExecutionLogs')) as [[string, Resources[string]]];
    expect(logGroup.Properties).toMatchObject({
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: expect.stringMatching(/^ApiRestApi/) }, '/v1']] },
      RetentionInDays: RUNBOOK.logRetention[stage],
    });
    expect(resourceById(template, stageId)).toMatchObject({ DependsOn: expect.arrayContaining([logGroupId]) });
    template.hasResourceProperties('AWS::XRay::SamplingRule', {
      SamplingRule: {
        ServiceName: `${stage}-echo-ridge-api/v1`,
        ServiceType: 'AWS::ApiGateway::Stage',
        ReservoirSize: RUNBOOK.apiTraceSampling.reservoirPerSecond,
        FixedRate: RUNBOOK.apiTraceSampling.fixedRate,
        Priority: Match.anyValue(),
      },
    });
  });

  it('runs every service function with active tracing', () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, { Properties }]) => String(Properties.FunctionName).startsWith(`${stage}-echo-ridge-`));
    expect(functions).toHaveLength(SERVICES.length);
    for (const [id, { Properties }] of functions) expect([id, Properties.TracingConfig]).toEqual([id, { Mode: 'Active' }]);
  });

  it('encrypts the audit trail with a rotating key that only this trail may use', () => {
    const [[, trail]] = ofType('AWS::CloudTrail::Trail') as [[string, Resources[string]]];
    const keyId = (trail.Properties.KMSKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resourceById(template, keyId);
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    expect((key.Properties.KeyPolicy as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Condition: expect.objectContaining({
          StringEquals: { 'aws:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([`:trail/${stage}-echo-ridge-audit`])] } },
        }),
      }),
    );
  });

  it('lets only AWS services create grants on every key', () => {
    const keys = ofType('AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const [id, { Properties }] of keys) {
      expect([id, (Properties.KeyPolicy as { Statement: unknown[] }).Statement]).toEqual([
        id,
        expect.arrayContaining([
          {
            Sid: 'GrantsOnlyForAwsServices',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      ]);
    }
  });

  it('versions every bucket and logs access to every bucket but the access-log bucket itself', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(4);
    for (const [id, { Properties }] of buckets) {
      expect([id, Properties.VersioningConfiguration]).toEqual([id, { Status: 'Enabled' }]);
      const logged = id.startsWith('StorageAccessLogs') ? undefined : { DestinationBucketName: { Ref: expect.stringMatching(/^StorageAccessLogs/) }, LogFilePrefix: expect.any(String) };
      expect([id, Properties.LoggingConfiguration]).toEqual([id, logged]);
    }
  });

  it(prod ? 'locks the audit records for the audit retention in compliance mode' : 'does not lock the audit records of a stage that is removed with its stack', () => {
    const [[, bucket]] = Object.entries(resources).filter(([id]) => id.startsWith('AuditRecords') && resources[id]!.Type === 'AWS::S3::Bucket') as [[string, Resources[string]]];
    if (prod) {
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: RUNBOOK.auditRetention } } },
      });
    } else {
      expect([bucket.Properties.ObjectLockEnabled, bucket.Properties.ObjectLockConfiguration]).toEqual([undefined, undefined]);
    }
  });

  it('gives every log group a retention, and every function one of them', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThanOrEqual(7);
    for (const [id, { Properties }] of logGroups) {
      expect([id, typeof Properties.RetentionInDays]).toEqual([id, 'number']);
      if (prod) expect([id, (Properties.RetentionInDays as number) >= Number(RetentionDays.ONE_YEAR)]).toEqual([id, true]);
    }
    // CDK's bucket-notifications helper included: without a log group of its own, Lambda would create one that never expires.
    for (const [id, { Properties }] of ofType('AWS::Lambda::Function')) {
      const logGroup = (Properties.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
      expect([id, logGroup !== undefined && resourceById(template, logGroup).Type]).toEqual([id, 'AWS::Logs::LogGroup']);
    }
  });

  it('lets only the batch queue park messages in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${stage}-echo-ridge-batch-dlq`,
      RedriveAllowPolicy: {
        redrivePermission: 'byQueue',
        sourceQueueArns: [{ 'Fn::Join': ['', Match.arrayWith([`:${stage}-echo-ridge-batch`])] }],
      },
    });
  });
});

describe('the controls in the app', () => {
  it('fail the synth on a finding nobody acknowledged', () => {
    const stage: StageName = 'prod';
    const app = new App({ context: { stage, 'aws:cdk:bundling-stacks': [] } });
    const [stack] = defineApp(app);
    // cdk-nag has no rule on log retention; the control asks for a year.
    new LogGroup(stack!, 'Unreviewed', { retention: RetentionDays.ONE_WEEK });
    expect(() => app.synth()).toThrow(/cloudwatch_log_group_retention_period_check[\s\S]*Unreviewed|Unreviewed[\s\S]*cloudwatch_log_group_retention_period_check/);
  });
});
