/**
 * One invocation of the score API handler as Lambda runs it with active tracing: the X-Ray SDK in its
 * Lambda mode (LAMBDA_TASK_ROOT), the invocation's trace header in _X_AMZN_TRACE_ID, and segments sent
 * over UDP to AWS_XRAY_DAEMON_ADDRESS. A process of its own, because the SDK picks its mode when it is
 * first imported. EVENT is the API Gateway event; the response is the last line on stdout, after the logs.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createHandler } from '../../src/app.js';

const event = JSON.parse(process.env.EVENT ?? '') as APIGatewayProxyEvent;
const context = {
  functionName: 'score-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:score-api',
  memoryLimitInMB: '1024',
  awsRequestId: 'traced-invocation',
  getRemainingTimeInMillis: () => 15_000,
} as Context;
process.stdout.write(`\n${JSON.stringify(await createHandler(process.env)(event, context))}`);
