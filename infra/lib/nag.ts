import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag writes the ARN of one of the stack's resources in the ids of its IAM5 findings. */
export function nagArn(resource: IConstruct): string {
  const { logicalId } = resource.node.defaultChild as CfnResource;
  return `<${Stack.of(resource).resolve(logicalId)}.Arn>`;
}
