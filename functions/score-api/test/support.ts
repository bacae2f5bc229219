import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { jest } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface EventInit {
  method?: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The tenant the authorizer resolved the key to; null for a request that carries none. */
  tenant?: string | null;
}

/** A REST API proxy event as API Gateway sends it, with only the fields the handler reads filled in. */
export function apiEvent({ method = 'GET', path, body, headers = {}, query, tenant = 'acme' }: EventInit): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), authorizer: tenant === null ? null : { principalId: `${tenant}-key`, tenant } } as APIGatewayProxyEvent['requestContext'],
  };
}

export const postJson = (path: string, body: unknown, headers: Record<string, string> = {}, tenant?: string | null) =>
  apiEvent({ method: 'POST', path, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers }, tenant });

export const lambdaContext = {
  functionName: 'score-api-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:score-api-test',
  memoryLimitInMB: '1024',
  awsRequestId: 'test-invocation',
  getRemainingTimeInMillis: () => 15_000,
} as Context;

/** A port nothing listens on, so every DynamoDB call fails at once with ECONNREFUSED. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Collects what the function writes (Powertools logs and EMF metrics: stdout, warnings and errors on
 * stderr) as parsed JSON lines, and keeps it out of the test report.
 */
export function captureOutput() {
  const chunks: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(collect), jest.spyOn(process.stderr, 'write').mockImplementation(collect)];
  return {
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
