import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { serviceFunction, synthesize } from './synth.js';

describe.each(STAGE_NAMES)('safe deploys (%s)', (stage) => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: unknown }>;
  const idOf = (type: string, props: Record<string, unknown>) => Object.keys(template.findResources(type, { Properties: props }))[0];
  beforeAll(() => {
    template = synthesize(stage).template;
    resources = template.toJSON().Resources as typeof resources;
  });

  it('points the live alias at the current version of score-api and lets CodeDeploy move it', () => {
    const { id: fn } = serviceFunction(template, stage, 'score-api');
    const alias = resources[idOf('AWS::Lambda::Alias', { Name: 'live' }) ?? ''];
    const version = (alias?.Properties.FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[version]).toMatchObject({ Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: fn } } });
    expect(alias?.UpdatePolicy).toEqual({
      CodeDeployLambdaAliasUpdate: {
        ApplicationName: { Ref: idOf('AWS::CodeDeploy::Application', { ApplicationName: `${stage}-echo-ridge-api` }) },
        DeploymentGroupName: { Ref: idOf('AWS::CodeDeploy::DeploymentGroup', { DeploymentGroupName: `${stage}-echo-ridge-api-canary` }) },
      },
    });
  });

  it('shifts 10 % of the traffic for 10 minutes, then the rest, and rolls back on errors of the new version', () => {
    const alarm = (name: string) => ({ Ref: idOf('AWS::CloudWatch::Alarm', { AlarmName: `${stage}-echo-ridge-${name}` }) });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: `${stage}-echo-ridge-api-canary`,
      DeploymentConfigName: { Ref: idOf('AWS::CodeDeploy::DeploymentConfig', { DeploymentConfigName: `${stage}-echo-ridge-canary-10-percent` }) },
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: alarm('CanaryErrors') }] },
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
  });

  it('bakes the canary for the runbook\'s 10 minutes', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 10 } },
    });
  });

  it('judges the canary on the new version only: Lambda errors of the alias for the version it shifts to', () => {
    const props = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: `${stage}-echo-ridge-CanaryErrors` } }))[0] as { Properties: { Dimensions: { Name: string; Value: unknown }[] } };
    const dimensions = Object.fromEntries(props.Properties.Dimensions.map((d) => [d.Name, d.Value]));
    const alias = resources[idOf('AWS::Lambda::Alias', { Name: 'live' }) ?? ''];
    expect(dimensions.ExecutedVersion).toEqual({ 'Fn::GetAtt': [(alias?.Properties.FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0], 'Version'] });
    expect(dimensions.Resource).toEqual({ 'Fn::Join': ['', [{ Ref: serviceFunction(template, stage, 'score-api').id }, ':live']] });
  });

  it('lets API Gateway invoke the alias only, never the bare function, and the key authorizer', () => {
    const alias = idOf('AWS::Lambda::Alias', { Name: 'live' });
    const authorizer = idOf('AWS::Lambda::Function', { FunctionName: `${stage}-echo-ridge-authorizer` });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } })).map(
      (resource) => (resource as { Properties: { FunctionName: unknown } }).Properties.FunctionName,
    );
    const authorizerArn = { 'Fn::GetAtt': [authorizer, 'Arn'] };
    expect(permissions.filter((target) => JSON.stringify(target) === JSON.stringify(authorizerArn))).toHaveLength(1);
    const api = permissions.filter((target) => JSON.stringify(target) !== JSON.stringify(authorizerArn));
    expect(api.length).toBeGreaterThan(0);
    for (const target of api) expect(target).toEqual({ Ref: alias });
  });

  it("outputs what the README's Deploy section tells operators to look up", () => {
    expect(Object.keys(template.toJSON().Outputs as Record<string, unknown>).sort()).toEqual(
      ['ApiUrl', 'BackupRoleArn', 'ContextRefreshFunction', 'DashboardUrl', 'DataBucket', 'DeploymentGroup', 'PageTopicArn', 'Table', 'TicketTopicArn', 'premiumUsagePlanId', 'standardUsagePlanId'].sort(),
    );
  });
});
