import { Duration, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

export interface BackupProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * AWS Backup of the table on the runbook's schedule (daily and weekly recovery points), in a vault of
 * the stage's own. Point-in-time recovery covers the last 35 days to the second; these recovery points
 * reach back a year and survive the table's deletion. Prod's vault is locked in compliance mode.
 */
export class Backup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;
  /** The role AWS Backup takes to back the table up, and to restore it (`start-restore-job --iam-role-arn`). */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    const { stage, storage } = props;
    const retentionDays = RUNBOOK.backups.rules.map((rule) => rule.retention.toDays());

    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: resourceName(stage.name, 'backups'),
      removalPolicy: stage.removalPolicy,
      // The lock admits exactly the plan's retentions: a rule kept shorter or longer would fail its jobs.
      lockConfiguration: stage.lockBackups
        ? {
            minRetention: Duration.days(Math.min(...retentionDays)),
            maxRetention: Duration.days(Math.max(...retentionDays)),
            changeableFor: RUNBOOK.backups.lockGracePeriod,
          }
        : undefined,
    });

    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: resourceName(stage.name, 'table'),
      backupVault: this.vault,
      backupPlanRules: RUNBOOK.backups.rules.map(
        (rule) => new BackupPlanRule({ ruleName: rule.name, scheduleExpression: Schedule.cron(rule.schedule), deleteAfter: rule.retention }),
      ),
    });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('backup.amazonaws.com') });
    this.plan.addSelection('Table', {
      backupSelectionName: resourceName(stage.name, 'table'),
      resources: [BackupResource.fromDynamoDbTable(storage.table)],
      role: this.role,
      allowRestores: true,
    });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason: "AWS's policy for the AWS Backup service role: it follows the service's needs for every resource type, and only AWS Backup can take the role.",
      });
    }
  }
}
