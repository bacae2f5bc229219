import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { acknowledgeControl } from './controls.js';
import { RUNBOOK } from './runbook.js';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

export interface ContextRefreshProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * The daily refresh of the normalization context: fits a context on the reservoir of recent inputs,
 * publishes it under contexts/ and moves the pointer in the table, and reports drift against the
 * sample of the context it replaces (functions/context-refresh).
 */
export class ContextRefresh extends Construct {
  readonly handler: ServiceFunction;
  readonly schedule: Rule;
  /** Schedule events EventBridge could not deliver to the function, kept for 14 days. */
  readonly undelivered: Queue;

  constructor(scope: Construct, id: string, props: ContextRefreshProps) {
    super(scope, id);
    const { stage, storage } = props;

    this.handler = new ServiceFunction(this, 'Handler', {
      stage,
      service: 'context-refresh',
      storage,
      description: 'Echo Ridge daily normalization-context refresh and drift check',
      // A fit of the default 5,000-company sample and its drift check take a second or two; the rest is headroom.
      memorySize: 512,
      timeout: Duration.minutes(2),
    });
    storage.grantTableReadWrite(this.handler);
    storage.grantObjects(this.handler, 'contexts/', 'read', 'write');
    // A context published by hand has no sample beside it: S3 must answer 404 for it, not 403.
    storage.grantListing(this.handler);

    this.undelivered = new Queue(this, 'Undelivered', {
      queueName: resourceName(stage.name, 'context-refresh-dlq'),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RUNBOOK.retention.deadLetters,
      // EventBridge's dead letters only: no queue may send its failed messages here (CT.SQS.PR.1's form for a dead-letter queue).
      redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
    });
    acknowledgeControl(
      this.undelivered,
      'sqs_dlq_check',
      "This queue is itself the dead-letter queue of the refresh rule's target, kept 14 days for an operator; a dead-letter queue of its own would only move the question.",
    );
    Validations.of(this.undelivered).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the dead-letter queue of the refresh rule's target (EventBridge's, which cdk-nag does not recognise as one); nothing consumes it.",
    });
    this.schedule = new Rule(this, 'Daily', {
      ruleName: resourceName(stage.name, 'context-refresh'),
      description: 'Refreshes the normalization context once a day, before the working day in Europe and the US',
      schedule: Schedule.cron({ minute: '0', hour: '3' }),
      // A failed refresh leaves the current context in place; two retries within the hour cover a passing outage.
      targets: [new LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: this.undelivered })],
    });
  }
}
