import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Aws, Validations, type IAspect, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * AWS Control Tower's proactive controls, as the cfn-guard plugin applies them on every synth
 * (infra/lib/app.ts). A finding is either fixed in the stack or acknowledged here, by rule, with the
 * reason; docs/runbook.md (Security) lists every acknowledged rule.
 */

/** The plugin's name, which prefixes its rule ids in acknowledgements. */
const CFN_GUARD = 'cdk-validator-cfnguard';

/** The rules this stack acknowledges somewhere: a new one is a decision and changes this list. */
export type ControlRule =
  | 'cloudwatch_alarm_action_check'
  | 'cloudwatch_log_group_encrypted_check'
  | 'cloudwatch_log_group_retention_period_check'
  | 'lambda_function_public_access_prohibited_check'
  | 'lambda_inside_vpc_check'
  | 's3_bucket_default_encryption_kms_check'
  | 's3_bucket_logging_enabled_check'
  | 's3_bucket_object_lock_enabled_check'
  | 's3_event_notifications_enabled_check'
  | 'sqs_dlq_check';

/**
 * The Control Tower rules shipped with cfn-guard, as a policy-validation plugin. Its findings carry no
 * severity; CDK takes a finding without one for an error when it prints the report, but once any
 * finding of a plugin is acknowledged it passes the plugin unless an error remains, so an
 * unacknowledged finding would no longer fail the synth. Each finding is therefore marked an error.
 */
export class ControlTowerControls implements IPolicyValidationPlugin {
  private readonly guard = new CfnGuardValidator();
  readonly name = this.guard.name;
  readonly version = this.guard.version;
  readonly ruleIds = this.guard.ruleIds;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return { ...report, violations: report.violations.map((violation) => ({ ...violation, severity: violation.severity ?? 'error' })) };
  }
}

/** Accepts a control's finding on `scope` and everything under it, for the reason given. */
export function acknowledgeControl(scope: IConstruct, rule: ControlRule, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${CFN_GUARD}::${rule}`, reason });
}

/**
 * Every Lambda permission granted to an AWS service names this account as the source, so that
 * another account's resource of the same service cannot invoke the function (the confused deputy).
 * The control only recognises a literal account id; this stack is environment-agnostic, so the
 * account is the AWS::AccountId pseudo-parameter and the finding is acknowledged on the permission.
 */
export class ServicePermissionsNameTheAccount implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnPermission) || typeof node.principal !== 'string' || !node.principal.endsWith('.amazonaws.com')) return;
    node.sourceAccount ??= Aws.ACCOUNT_ID;
    acknowledgeControl(
      node,
      'lambda_function_public_access_prohibited_check',
      'SourceAccount is the deploying account (AWS::AccountId) and SourceArn the invoking resource; the control accepts literal strings only, and the stack is environment-agnostic.',
    );
  }
}

/**
 * Every KMS key of the stack lets grants be created only by AWS services on behalf of AWS resources
 * (CT.KMS.PR.3): the services that use the keys (CloudTrail, SNS) encrypt with data keys, and nobody
 * else needs to hand the key on.
 */
export class KmsGrantsOnlyForAwsServices implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof Key)) return;
    node.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
  }
}
