import { Duration, Stack } from 'aws-cdk-lib';
import { Trail, type CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeControl } from './controls.js';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

export interface AuditProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * Who read or wrote what: a CloudTrail trail of the data events (every item and object API call,
 * reads and writes, by any principal) on the table and the data bucket, kept for the runbook's audit
 * retention in S3, with log file validation, and in CloudWatch Logs for Logs Insights. The log files
 * are encrypted with a key of the trail's own; in prod the bucket's Object Lock keeps every version
 * for the whole retention, from everyone. Management events (changes to the resources themselves) are
 * the account's own trail's business.
 */
export class Audit extends Construct {
  readonly trail: Trail;
  /** The trail's delivery bucket: the record of reference, with digest files to prove it unaltered. */
  readonly bucket: Bucket;
  /** The same events, for queries. */
  readonly logGroup: LogGroup;
  /** Encrypts the trail's log files: reading them takes kms:Decrypt on it as well as s3:GetObject. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const { stage, storage } = props;
    const name = resourceName(stage.name, 'audit');

    const retention = Duration.days(RUNBOOK.auditRetention);
    this.bucket = new Bucket(this, 'Records', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // Compliance mode: no one, the account's root included, can delete or overwrite a record before the retention ends.
      objectLockEnabled: stage.lockAuditRecords || undefined,
      objectLockDefaultRetention: stage.lockAuditRecords ? ObjectLockRetention.compliance(retention) : undefined,
      serverAccessLogsBucket: storage.accessLogs,
      serverAccessLogsPrefix: 'audit/',
      lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeControl(
      this.bucket,
      's3_bucket_default_encryption_kms_check',
      "CloudTrail encrypts every log file with the trail's KMS key whatever the bucket default is; digest files are SSE-S3 by CloudTrail's design.",
    );
    acknowledgeControl(this.bucket, 's3_event_notifications_enabled_check', 'Nothing acts on a new trail file: queries go to the trail\'s log group, and the files are the record of reference.');
    if (!stage.lockAuditRecords) {
      acknowledgeControl(this.bucket, 's3_bucket_object_lock_enabled_check', `${stage.name} is removed with its stack and holds rehearsal traffic only; a lock would keep the bucket for a year after the stack is gone.`);
    }

    this.key = new Key(this, 'TrailKey', {
      description: `${stage.name} Echo Ridge audit trail log files`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
    });
    // The trail's ARN from its name, as the trail itself refers to the key.
    const trailArn = Stack.of(this).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: name });
    const cloudTrail = new ServicePrincipal('cloudtrail.amazonaws.com');
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'TrailEncryptsLogFiles',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Stack.of(this).formatArn({ service: 'cloudtrail', resource: 'trail', region: '*', resourceName: '*' }) },
        },
      }),
    );
    this.key.addToResourcePolicy(new PolicyStatement({ sid: 'TrailDescribesKey', principals: [cloudTrail], actions: ['kms:DescribeKey'], resources: ['*'] }));
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/cloudtrail/${name}`,
      retention: RUNBOOK.auditRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.trail = new Trail(this, 'Trail', {
      trailName: name,
      bucket: this.bucket,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      // The table and the bucket live in the stack's region; global services are not ours to record.
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableFileValidation: true,
      encryptionKey: this.key,
    });

    // Advanced selectors name the resources exactly, and without a management selector no management events are recorded here.
    const dataEvents = (selectorName: string, type: string, arn: { equalTo?: string[]; startsWith?: string[] }): CfnTrail.AdvancedEventSelectorProperty => ({
      name: selectorName,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [type] },
        { field: 'resources.ARN', ...arn },
      ],
    });
    const cfnTrail = this.trail.node.defaultChild as CfnTrail;
    cfnTrail.advancedEventSelectors = [
      dataEvents('data bucket objects', 'AWS::S3::Object', { startsWith: [storage.bucket.arnForObjects('')] }),
      dataEvents('table items', 'AWS::DynamoDB::Table', { equalTo: [storage.table.tableArn] }),
    ];
    // A trail takes basic or advanced selectors, not both; the L2 construct always renders a (here empty) basic list.
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
  }
}
