import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionSettings {
  functionName: string;
  region: string;
  memoryLimitInMB: number;
  timeoutMs: number;
}

/**
 * The Powertools environment every local function gets. Tracing is off: no X-Ray daemon listens here
 * and no trace header comes with an event, so Tracer would only report a missing segment. With it off,
 * the X-Ray SDK (which Tracer loads all the same) is put in manual mode: in its default automatic mode
 * it keeps its context with cls-hooked, whose async hook tracks the destruction of every promise in the
 * thread, a tenth of the runtime's CPU per request for traces that are never recorded.
 */
export const LOCAL_POWERTOOLS = { POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge', POWERTOOLS_TRACE_ENABLED: 'false', AWS_XRAY_MANUAL_MODE: 'true' } as const;

/** The context object the Lambda runtime passes with each invocation, with its deadline counting down. */
export function createLambdaContext({ functionName, region, memoryLimitInMB, timeoutMs }: FunctionSettings): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion (done/succeed/fail) is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
