import { Duration } from 'aws-cdk-lib';
import { Trail, type CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
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
 * retention in S3, with log file validation, and in CloudWatch Logs for Logs Insights. Management
 * events (changes to the resources themselves) are the account's own trail's business.
 */
export class Audit extends Construct {
  readonly trail: Trail;
  /** The trail's delivery bucket: the record of reference, with digest files to prove it unaltered. */
  readonly bucket: Bucket;
  /** The same events, for queries. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const { stage, storage } = props;
    const name = resourceName(stage.name, 'audit');

    this.bucket = new Bucket(this, 'Records', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: storage.accessLogs,
      serverAccessLogsPrefix: 'audit/',
      lifecycleRules: [{ expiration: Duration.days(RUNBOOK.auditRetention) }],
      removalPolicy: stage.removalPolicy,
    });
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
