import { describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../lib/app.js';
import { CDK_CONTEXT } from '../lib/synth.js';

/** cdk.json's feature flags, as `cdk synth` has them; stacks are only constructed here, not bundled. */
const app = (context: Record<string, unknown>) => new App({ context: { ...CDK_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });

describe('the CDK app', () => {
  it('defines every stage when no stage is named, so that `pnpm synth` checks them all', () => {
    expect(defineApp(app({})).map((stack) => stack.stackName)).toEqual(['staging-echo-ridge', 'prod-echo-ridge']);
  });

  it.each(['staging', 'prod'])('defines only the stage named by -c stage=%s', (stage) => {
    const stacks = defineApp(app({ stage }));
    expect(stacks.map((stack) => stack.stackName)).toEqual([`${stage}-echo-ridge`]);
    // Env-agnostic: synthesizing needs no account lookup, and deploy targets the operator's credentials.
    expect(stacks[0]?.environment).toBe('aws://unknown-account/unknown-region');
    // The account's API Gateway logging role is deployed first, so the first deploy in a fresh account can log.
    expect(stacks[0]?.dependencies.map((stack) => stack.stackName)).toEqual(['echo-ridge-account']);
    const account = stacks[0]!.dependencies[0]!;
    const template = Template.fromStack(account);
    template.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiGatewayLogRole'), 'Arn'] } });
  });

  it('refuses an unknown stage instead of deploying something half-configured', () => {
    expect(() => defineApp(app({ stage: 'production' }))).toThrow('-c stage must be one of staging, prod; got "production"');
  });
});
