import { Validations } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup, TimeBasedCanaryTrafficRouting } from 'aws-cdk-lib/aws-codedeploy';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';

export interface SafeDeploymentProps {
  readonly stage: StageConfig;
  /** The alias API Gateway invokes; CodeDeploy moves it from the old version to the new one. */
  readonly alias: Alias;
  /** Any of these in ALARM during the shift rolls the alias back to the old version. */
  readonly rollbackAlarms: readonly IAlarm[];
}

/**
 * The serverless form of the runbook's blue/green deploy: a new API version first takes 10 % of the
 * traffic for the runbook's bake time, and CodeDeploy moves the rest only if no rollback alarm (on the
 * new version's own invocations) went off meanwhile.
 */
export class SafeDeployment extends Construct {
  readonly deploymentGroup: LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: SafeDeploymentProps) {
    super(scope, id);
    const { stage } = props;
    this.deploymentGroup = new LambdaDeploymentGroup(this, 'Canary', {
      application: new LambdaApplication(this, 'Application', { applicationName: resourceName(stage.name, 'api') }),
      deploymentGroupName: resourceName(stage.name, 'api-canary'),
      alias: props.alias,
      deploymentConfig: new LambdaDeploymentConfig(this, 'Bake', {
        deploymentConfigName: resourceName(stage.name, 'canary-10-percent'),
        trafficRouting: new TimeBasedCanaryTrafficRouting({ percentage: 10, interval: RUNBOOK.canaryBake }),
      }),
      alarms: [...props.rollbackAlarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(this.deploymentGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason: "AWS's policy for CodeDeploy on Lambda: it may only shift this account's aliases, read alarms and publish deployment notifications.",
    });
  }
}
