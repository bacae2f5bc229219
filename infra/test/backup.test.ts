import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { resourceById, synthesize } from './synth.js';

describe.each(STAGE_NAMES)('backups (%s)', (stage) => {
  let template: Template;
  const prod = stage === 'prod';
  beforeAll(() => {
    template = synthesize(stage).template;
  });

  const vaultId = () => Object.keys(template.findResources('AWS::Backup::BackupVault', { Properties: { BackupVaultName: `${stage}-echo-ridge-backups` } }))[0];

  it('backs the table up daily (kept 30 days) and weekly (kept a year) into the stage vault', () => {
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: `${stage}-echo-ridge-table`,
        BackupPlanRule: [
          { RuleName: 'Daily', ScheduleExpression: 'cron(0 4 * * ? *)', Lifecycle: { DeleteAfterDays: 30 }, TargetBackupVault: { 'Fn::GetAtt': [vaultId(), 'BackupVaultName'] } },
          { RuleName: 'Weekly', ScheduleExpression: 'cron(0 4 ? * SUN *)', Lifecycle: { DeleteAfterDays: 365 }, TargetBackupVault: { 'Fn::GetAtt': [vaultId(), 'BackupVaultName'] } },
        ],
      },
    });
  });

  it('selects the table, and nothing else, with a role that may back it up and restore it', () => {
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0] as { Properties: { BackupSelection: { IamRoleArn: { 'Fn::GetAtt': [string, string] }; Resources: unknown[] } } };
    expect(selection.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [table, 'Arn'] }]);
    const role = resourceById(template, selection.Properties.BackupSelection.IamRoleArn['Fn::GetAtt'][0]);
    expect(role.Properties).toMatchObject({
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }] },
      ManagedPolicyArns: ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores'].map((policy) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/service-role/${policy}`]],
      })),
    });
    expect((template.toJSON() as { Outputs: Record<string, unknown> }).Outputs.BackupRoleArn).toMatchObject({ Value: { 'Fn::GetAtt': [selection.Properties.BackupSelection.IamRoleArn['Fn::GetAtt'][0], 'Arn'] } });
  });

  it(prod ? 'locks the vault in compliance mode to the plan retentions after a 3-day grace period' : 'leaves the vault unlocked so the stage can be torn down', () => {
    const vault = resourceById(template, vaultId() ?? '');
    if (prod) expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 30, MaxRetentionDays: 365, ChangeableForDays: 3 });
    else expect(vault.Properties.LockConfiguration).toBeUndefined();
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: prod ? 'Retain' : 'Delete' });
  });

  it('keeps point-in-time recovery on beside the plan', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });
});
