import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { defineApp } from '../lib/app.js';
import type { EchoRidgeStack } from '../lib/echo-ridge-stack.js';
import { STAGES, type StageConfig, type StageName } from '../lib/stage.js';

/** cdk.json's context (feature flags), so that the tests synthesize what `cdk synth` does. */
const CDK_CONTEXT = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  readonly stage: StageConfig;
  readonly stack: EchoRidgeStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
}

/**
 * Synthesizes one stage as `cdk synth -c stage=<name>` does, cdk-nag included (an unacknowledged
 * finding throws). esbuild bundling is what makes a synth slow, so it only runs when asked for;
 * without it CDK stands in a placeholder asset and everything else is synthesized for real.
 */
export function synthesize(stage: StageName, options: { bundle?: boolean } = {}): Synthesized {
  const context = { ...CDK_CONTEXT, stage, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const app = new App({ context });
  const [stack] = defineApp(app);
  if (stack === undefined) throw new Error(`no stack for ${stage}`);
  const assembly = app.synth();
  return { stage: STAGES[stage], stack, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>), assembly };
}

export const SERVICES = ['score-api', 'batch', 'context-refresh', 'authorizer'] as const;

interface Resource {
  readonly Properties: Record<string, unknown>;
}

/** The Lambda function of one service, and its logical id. */
export function serviceFunction(template: Template, stage: StageName, service: (typeof SERVICES)[number]): { id: string; props: Record<string, unknown> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `${stage}-echo-ridge-${service}` } }));
  const [entry] = found;
  if (found.length !== 1 || entry === undefined) throw new Error(`expected one function for ${service}, found ${found.length}`);
  return { id: entry[0], props: (entry[1] as Resource).Properties };
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every IAM policy attached to the role that `functionProps` runs as. */
export function roleStatements(template: Template, functionProps: Record<string, unknown>): Statement[] {
  const role = (functionProps.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((policy) => (policy as Resource).Properties)
    .filter((props) => (props.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((props) => (props.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A resource of the template by logical id. */
export function resourceById(template: Template, id: string): { Type: string; Properties: Record<string, unknown> } {
  const resources = (template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
  const found = resources[id];
  if (found === undefined) throw new Error(`no resource ${id}`);
  return found;
}
