import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { EchoRidgeStack } from '../lib/echo-ridge-stack.js';
import { STAGES, type StageConfig, type StageName } from '../lib/stage.js';
import { synthesizeStage } from '../lib/synth.js';

export interface Synthesized {
  readonly stage: StageConfig;
  readonly stack: EchoRidgeStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
}

/** One stage synthesized as `cdk synth -c stage=<name>` does (see synthesizeStage), as an assertions Template. */
export function synthesize(stage: StageName, options: { bundle?: boolean } = {}): Synthesized {
  const { stack, assembly, template } = synthesizeStage(stage, options);
  return { stage: STAGES[stage], stack, template: Template.fromJSON(template), assembly };
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

/**
 * What a service function's role is granted beyond what every function has: writing its own log group
 * and uploading traces (functions.test.ts checks those).
 */
export function grantStatements(template: Template, functionProps: Record<string, unknown>): Statement[] {
  return roleStatements(template, functionProps).filter((statement) => !/^(logs|xray):/.test([statement.Action].flat()[0] ?? ''));
}

/** The logical id of the data bucket: the one whose access logs go under data/ (every bucket is versioned). */
export function dataBucketId(template: Template): string {
  const [id, ...others] = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: { LogFilePrefix: 'data/' } } }));
  if (id === undefined || others.length > 0) throw new Error('expected one data bucket');
  return id;
}

/** A resource of the template by logical id. */
export function resourceById(template: Template, id: string): { Type: string; Properties: Record<string, unknown> } {
  const resources = (template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
  const found = resources[id];
  if (found === undefined) throw new Error(`no resource ${id}`);
  return found;
}
