import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiEvent, closedPort } from './support.js';

/**
 * The handler with tracing as on Lambda, its segments received where the X-Ray daemon would listen, and
 * its store pointed at a port nothing listens on (so the DynamoDB call fails fast, and is traced failing).
 */

interface Subsegment {
  name: string;
  namespace?: string;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, Record<string, unknown>>;
  aws?: { operation?: string };
  fault?: boolean;
  error?: boolean;
  subsegments?: Subsegment[];
}

const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const daemon = createSocket('udp4');
let received: Subsegment[] = [];
let dynamoDbEndpoint: string;

beforeAll(async () => {
  daemon.on('message', (packet) => {
    // Each packet is a header line and one JSON document: a subsegment with the ones it closed inside it.
    const flatten = (segment: Subsegment): Subsegment[] => [segment, ...(segment.subsegments ?? []).flatMap(flatten)];
    received.push(...flatten(JSON.parse(packet.toString('utf8').split('\n')[1]!) as Subsegment));
  });
  daemon.bind(0, '127.0.0.1');
  await once(daemon, 'listening');
  dynamoDbEndpoint = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(() => {
  daemon.close();
});

/** Runs one invocation in a Lambda-like process and waits for its segments to arrive. */
async function invoke(extraEnv: Record<string, string> = {}) {
  received = [];
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/traced-invoke.ts', import.meta.url))], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/var/task',
      AWS_LAMBDA_FUNCTION_NAME: 'score-api',
      _HANDLER: 'handler.handler',
      _X_AMZN_TRACE_ID: TRACE_HEADER,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
      TABLE_NAME: 'scores',
      BUCKET_NAME: 'data',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      POWERTOOLS_SERVICE_NAME: 'score-api',
      POWERTOOLS_METRICS_DISABLED: 'true',
      EVENT: JSON.stringify(apiEvent({ path: '/scores/acme-001' })),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number];
  // UDP from the child may still be in flight when it exits.
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The handler's log lines come first; the response is the last line.
  return { code, response: JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as { statusCode: number } };
}

describe('tracing the score API as on Lambda', () => {
  it('traces the handler with company_id, and the failing DynamoDB call, without the response', async () => {
    const { code, response } = await invoke();
    expect([code, response.statusCode]).toEqual([0, 503]);
    const handler = received.find((segment) => segment.name === '## handler.handler');
    expect(handler?.annotations).toEqual({ ColdStart: expect.any(Boolean), Service: 'score-api', company_id: 'acme-001' });
    // Responses carry company data and stay out of the trace.
    expect(JSON.stringify(handler?.metadata ?? {})).not.toContain('response');
    const dynamoDb = received.filter((segment) => segment.namespace === 'aws' && segment.name === 'DynamoDB');
    expect(dynamoDb.length).toBeGreaterThan(0);
    expect(dynamoDb[0]).toMatchObject({ aws: { operation: expect.any(String) } });
    expect(dynamoDb.some((segment) => segment.fault === true || segment.error === true)).toBe(true);
  }, 60_000);

  it('sends nothing when POWERTOOLS_TRACE_ENABLED is false, as the local runtime sets it', async () => {
    const { code, response } = await invoke({ POWERTOOLS_TRACE_ENABLED: 'false' });
    expect([code, response.statusCode]).toEqual([0, 503]);
    expect(received).toEqual([]);
  }, 60_000);
});
