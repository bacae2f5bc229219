import { Aspects, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Api } from './api.js';
import { Audit } from './audit.js';
import { Backup } from './backup.js';
import { Batch } from './batch.js';
import { ContextRefresh } from './context.js';
import { acknowledgeControl, KmsGrantsOnlyForAwsServices, ServicePermissionsNameTheAccount } from './controls.js';
import { SafeDeployment } from './deployment.js';
import { dashboardUrl } from './dashboard.js';
import { Observability } from './observability.js';
import { RUNBOOK } from './runbook.js';
import type { StageConfig, StageName } from './stage.js';
import { Storage } from './storage.js';

export interface EchoRidgeStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** One stage of Echo Ridge: storage with its backups and audit trail, the API, batch scoring, the daily context refresh, their alarms and safe deploys. */
export class EchoRidgeStack extends Stack {
  constructor(scope: Construct, id: string, props: EchoRidgeStackProps) {
    super(scope, id, { terminationProtection: props.stage.deletionProtection, ...props });
    const { stage } = props;
    Tags.of(this).add('service', 'echo-ridge');
    Tags.of(this).add('stage', stage.name);
    Aspects.of(this).add(new ServicePermissionsNameTheAccount());
    Aspects.of(this).add(new KmsGrantsOnlyForAwsServices());
    this.acknowledgeStackWideControls(stage.name);

    const storage = new Storage(this, 'Storage', { stage });
    const backup = new Backup(this, 'Backup', { stage, storage });
    new Audit(this, 'Audit', { stage, storage });
    const api = new Api(this, 'Api', { stage, storage });
    const batch = new Batch(this, 'Batch', { stage, storage });
    const contextRefresh = new ContextRefresh(this, 'ContextRefresh', { stage, storage });
    const observability = new Observability(this, 'Observability', { stage, storage, backup, api, batch, contextRefresh });
    const deployment = new SafeDeployment(this, 'Deployment', { stage, alias: api.alias, rollbackAlarms: observability.rollbackAlarms });

    // RestApi always outputs its URL; a name an operator can type beats the generated one.
    (api.restApi.node.findChild('Endpoint') as CfnOutput).overrideLogicalId('ApiUrl');
    for (const [tier, plan] of api.usagePlans) {
      new CfnOutput(this, `${tier}UsagePlanId`, { value: plan.usagePlanId, description: `API keys of ${tier} customers go on this plan` });
    }
    new CfnOutput(this, 'DataBucket', { value: storage.bucket.bucketName });
    new CfnOutput(this, 'Table', { value: storage.table.tableName });
    new CfnOutput(this, 'BackupRoleArn', { value: backup.role.roleArn, description: 'The role `aws backup start-restore-job --iam-role-arn` restores the table with' });
    new CfnOutput(this, 'ContextRefreshFunction', { value: contextRefresh.handler.function.functionName, description: '`echo-ridge context refresh --stage` invokes it' });
    new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl(observability.dashboard) });
    new CfnOutput(this, 'PageTopicArn', { value: observability.pageTopic.topicArn });
    new CfnOutput(this, 'TicketTopicArn', { value: observability.ticketTopic.topicArn });
    new CfnOutput(this, 'DeploymentGroup', { value: deployment.deploymentGroup.deploymentGroupName });
  }

  /** Decisions that hold for every resource of their kind in the stack (docs/runbook.md, Security). */
  private acknowledgeStackWideControls(stage: StageName): void {
    acknowledgeControl(
      this,
      'lambda_inside_vpc_check',
      'The functions reach only DynamoDB, S3, SQS and X-Ray, through their public endpoints with IAM and TLS; there is no VPC resource to reach, and a VPC would add NAT or endpoint costs and ENI cold starts.',
    );
    acknowledgeControl(
      this,
      'cloudwatch_log_group_encrypted_check',
      'CloudWatch Logs encrypts every log group at rest with its own keys; who reads the logs is decided by IAM on logs:*, which a customer key would not narrow.',
    );
    if (RUNBOOK.logRetention[stage] < RetentionDays.ONE_YEAR) {
      acknowledgeControl(this, 'cloudwatch_log_group_retention_period_check', `${stage} carries rehearsal traffic only; its operational logs are kept ${RUNBOOK.logRetention[stage]} days (RUNBOOK.logRetention).`);
    }
  }
}
