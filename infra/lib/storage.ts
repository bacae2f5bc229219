import { Duration, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeControl } from './controls.js';
import { nagArn } from './nag.js';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';

/** The key prefixes of the data bucket, as the batch and context handlers use them. */
export type DataPrefix = 'incoming/' | 'results/' | 'errors/' | 'contexts/';

/** The object actions behind each kind of access; writes include multipart uploads. */
const OBJECT_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  delete: ['s3:DeleteObject'],
} as const;

export interface StorageProps {
  readonly stage: StageConfig;
}

/**
 * The single table (scores, batch runs, context pointers) and the data bucket (batch files in and
 * out, fitted contexts), with the bucket's access logs in a bucket of their own.
 */
export class Storage extends Construct {
  /** How long results are kept: the TTL handlers put on items and the lifetime of results/ files. */
  readonly resultRetention = RUNBOOK.retention.results;
  readonly table: TableV2;
  readonly bucket: Bucket;
  /** Receives the S3 server access logs of every bucket in the stack. */
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { stage } = props;

    this.table = new TableV2(this, 'Table', {
      tableName: resourceName(stage.name, 'data'),
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
        },
      ],
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expires_at',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // The record of who read the other buckets, the audit bucket included: an overwritten or deleted log stays recoverable.
      versioned: true,
      lifecycleRules: [{ expiration: RUNBOOK.retention.bucketAccessLogs, noncurrentVersionExpiration: RUNBOOK.retention.noncurrentVersions }],
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeControl(this.accessLogs, 's3_bucket_logging_enabled_check', 'This is the bucket that receives the access logs; logging it to itself would log every log delivery, and another log bucket would only move the question.');
    acknowledgeControl(this.accessLogs, 's3_bucket_default_encryption_kms_check', 'S3 delivers server access logs only to a bucket encrypted with S3-managed keys (SSE-S3).');
    acknowledgeControl(this.accessLogs, 's3_event_notifications_enabled_check', 'Nothing acts on a new access log object; the logs are read when investigating.');
    acknowledgeControl(
      this.accessLogs,
      's3_bucket_object_lock_enabled_check',
      'Versioned and private; the audit records of reference are the CloudTrail files in the Object Lock bucket of prod, with digest files that prove them unaltered.',
    );

    this.bucket = new Bucket(this, 'Data', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        { id: 'incoming', prefix: 'incoming/', expiration: RUNBOOK.retention.incoming },
        {
          id: 'results',
          prefix: 'results/',
          expiration: this.resultRetention,
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        },
        { id: 'errors', prefix: 'errors/', expiration: RUNBOOK.retention.errors },
        // No rule expires contexts/.
        { id: 'versions', noncurrentVersionExpiration: RUNBOOK.retention.noncurrentVersions, abortIncompleteMultipartUploadAfter: RUNBOOK.retention.incompleteUploads },
      ],
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeControl(
      this.bucket,
      's3_bucket_default_encryption_kms_check',
      'Encrypted at rest with S3-managed keys; a customer key would add a KMS call to every part of every batch file and to every presigned upload, and access is already limited by prefix-scoped IAM grants.',
    );
    acknowledgeControl(
      this.bucket,
      's3_event_notifications_enabled_check',
      "incoming/*.jsonl notifies the batch queue (infra/lib/batch.ts); CDK configures it through its Custom::S3BucketNotifications resource, which the control cannot see.",
    );
    acknowledgeControl(
      this.bucket,
      's3_bucket_object_lock_enabled_check',
      'Working data: the batch deletes its chunk parts, and lifecycle rules expire inputs, results and old versions. Object Lock would keep what must go; versioning keeps an overwritten object 30 days.',
    );
  }

  /** Lets `grantee` read and write items of the table and query its indexes. */
  grantTableReadWrite(grantee: IGrantable & IConstruct): Grant {
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(this.table)}/index/*]`,
      reason: 'Queries on gsi1 need the index ARN; the wildcard covers the indexes of this one table only.',
    });
    return this.table.grantReadWriteData(grantee);
  }

  /**
   * Lets `grantee` read (GetItem, Query), write (PutItem, UpdateItem, BatchWriteItem) and delete
   * (DeleteItem) only the items whose partition key matches one of the patterns of each kind
   * (`dynamodb:LeadingKeys`); no patterns, no such action. The gsi1 keys of tenant items carry the same
   * prefix as their partition keys, so index queries stay in bounds too.
   */
  grantTableItems(grantee: IGrantable & IConstruct, access: { read: readonly string[]; write: readonly string[]; delete?: readonly string[] }): void {
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(this.table)}/index/*]`,
      reason: 'Queries on gsi1 need the index ARN; the wildcard covers the indexes of this one table only, and the LeadingKeys condition bounds the items.',
    });
    const leadingKeys = (patterns: readonly string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [this.table.tableArn, `${this.table.tableArn}/index/*`], conditions: leadingKeys(access.read) }),
    );
    if (access.write.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], resources: [this.table.tableArn], conditions: leadingKeys(access.write) }),
      );
    }
    if (access.delete && access.delete.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: [this.table.tableArn], conditions: leadingKeys(access.delete) }),
      );
    }
  }

  /** Lets `grantee` act on the objects under one prefix of the data bucket, and on nothing else there. */
  grantObjects(grantee: IGrantable & IConstruct, prefix: DataPrefix, ...access: (keyof typeof OBJECT_ACTIONS)[]): Grant {
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(this.bucket)}/${prefix}*]`,
      reason: `Object keys under ${prefix} are only known at run time; the grant is limited to that prefix of the data bucket.`,
    });
    return Grant.addToPrincipal({ grantee, actions: access.flatMap((what) => OBJECT_ACTIONS[what]), resourceArns: [this.bucket.arnForObjects(`${prefix}*`)] });
  }

  /** Without it S3 answers a request for a missing object with 403 instead of 404, so a deleted file looks like a denied one. */
  grantListing(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
  }
}
