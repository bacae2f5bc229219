import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ACCOUNT_STACK, AccountStack } from './account.js';
import { ControlTowerControls } from './controls.js';
import { EchoRidgeStack } from './echo-ridge-stack.js';
import { isStageName, stackName, STAGE_NAMES, STAGES } from './stage.js';

/**
 * Adds the stack of the stage named by `-c stage=…`, or of every stage when none is named, each after
 * the account's own stack (`cdk deploy` deploys that first), and checks them with cdk-nag and AWS
 * Control Tower's proactive controls (cfn-guard): a finding that is not acknowledged with a reason fails
 * the synth. Returns the stages' stacks.
 */
export function defineApp(app: App): EchoRidgeStack[] {
  const requested: unknown = app.node.tryGetContext('stage');
  if (requested !== undefined && !isStageName(requested)) {
    throw new Error(`-c stage must be one of ${STAGE_NAMES.join(', ')}; got ${JSON.stringify(requested)}`);
  }
  const stages = requested === undefined ? STAGE_NAMES : [requested];
  const account = new AccountStack(app, ACCOUNT_STACK, { description: 'Echo Ridge: settings of the account and region that every stage needs' });
  const stacks = stages.map((name) => {
    const stack = new EchoRidgeStack(app, stackName(name), { stage: STAGES[name], description: `Echo Ridge AI-readiness scoring (${name})` });
    stack.addStackDependency(account, 'API Gateway needs the account CloudWatch role before a stage can log');
    return stack;
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerControls());
  return stacks;
}
