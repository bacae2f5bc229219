import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import * as v from 'valibot';
import { CliError } from './cli-error.js';

const StageSchema = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a stage name such as staging or prod'));

/**
 * The outputs of a deployed stage's stack (`<stage>-echo-ridge`, README "Deploy"), read with the AWS
 * SDK's default credentials and region; the function returned fails with the fix for a missing output.
 */
export async function stackOutputs(stage: string): Promise<(key: string) => string> {
  const checked = v.safeParse(StageSchema, stage);
  if (!checked.success) throw new CliError(`--stage ${checked.issues[0].message} (got "${stage}")`);
  const stackName = `${stage}-echo-ridge`;
  const cloudFormation = new CloudFormationClient({});
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    throw new CliError(`cannot read the outputs of stack ${stackName}: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
  return (key) => {
    const value = outputs[key];
    if (!value) throw new CliError(`stack ${stackName} has no output ${key}: deploy the current infra/ first`);
    return value;
  };
}
