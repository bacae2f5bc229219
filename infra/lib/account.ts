import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** The stack of what one account and region need once, whatever the stages in it. */
export const ACCOUNT_STACK = 'echo-ridge-account';

/**
 * API Gateway writes a REST API's access log only once the account has a CloudWatch role: a setting
 * of the account and region, not of one API. The first deploy of a stage in a fresh account fails
 * without it, and a stage's stack must not own it (removing staging would take prod's logging away),
 * so it lives here and every stage's stack depends on this one.
 */
export class AccountStack extends Stack {
  readonly apiGatewayLogRole: Role;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.apiGatewayLogRole = new Role(this, 'ApiGatewayLogRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write the access logs of the REST APIs in this account and region',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: this.apiGatewayLogRole.roleArn });
    Validations.of(this.apiGatewayLogRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: "AWS's policy for API Gateway's account-wide logging role: it only creates and writes log groups, and only API Gateway can take the role.",
    });
  }
}
