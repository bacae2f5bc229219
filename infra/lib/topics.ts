import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { resourceName, type StageConfig } from './stage.js';

/** The two topics alarms notify. */
export interface AlarmTopics {
  /** Critical alarms of a stage that pages: subscribe the on-call pager. */
  readonly page: Topic;
  /** Warnings, and every alarm of a stage that pages nobody: subscribe the team's ticket queue. */
  readonly ticket: Topic;
}

/**
 * The paging and ticket topics, created in `scope` itself so that their logical ids (and with them the
 * subscriptions operators made) survive refactorings of the constructs around them.
 */
export function createAlarmTopics(scope: Construct, stage: StageConfig): AlarmTopics {
  // CloudWatch can only publish to an encrypted topic whose customer-managed key lets it in.
  const topicKey = new Key(scope, 'TopicKey', {
    description: `${stage.name} Echo Ridge alarm topics`,
    enableKeyRotation: true,
    removalPolicy: stage.removalPolicy,
  });
  topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const page = new Topic(scope, 'Page', { topicName: resourceName(stage.name, 'page'), masterKey: topicKey, enforceSSL: true });
  const ticket = new Topic(scope, 'Ticket', { topicName: resourceName(stage.name, 'ticket'), masterKey: topicKey, enforceSSL: true });
  const alarmArns = Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  for (const topic of [page, ticket]) {
    // A topic policy replaces SNS's default one, which is what lets the account's alarms publish.
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': alarmArns } },
      }),
    );
  }
  return { page, ticket };
}
