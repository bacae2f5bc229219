/**
 * The score API handler in this process, no HTTP: proxy events straight into `createHandler`, the
 * store on DynamoDB Local and the contexts bucket on fauxqs. Logs and metrics are produced as on Lambda but not printed, so the figures
 * include building them and exclude the terminal. The floor is what DynamoDB Local alone takes for the
 * writes POST /score makes (the score, the scored counter, the reservoir sample, through
 * @echo-ridge/store), one after another like the requests; the handler's own share is the difference.
 */
import { createScorer } from '@echo-ridge/engine';
import { createHandler } from '@echo-ridge/score-api';
import { createDocumentClient, createSampler, createStore, DEV_TENANT } from '@echo-ridge/store';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cpus, loadavg } from 'node:os';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_AWS, startDynamoDbLocal } from '../src/dynamodb-local.js';
import { s3Client, startFauxqsServer } from '../src/fauxqs.js';
import { createLambdaContext } from '../src/lambda-context.js';
import { DEFAULT_TABLE_NAME, SCORE_FUNCTION } from '../src/runtime.js';
import { ensureScoreTable } from '../src/score-table.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { cpuTimeMs } from './cpu-time.js';
import { summarize } from './percentiles.js';

const WARMUP = 300;
const RUNS = 2_000;

const event = (method: string, path: string, body: unknown = null): APIGatewayProxyEvent => ({
  httpMethod: method,
  path,
  resource: path,
  headers: { 'content-type': 'application/json' },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  body: body === null ? null : JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { requestId: `bench-${Math.random()}` } as APIGatewayProxyEvent['requestContext'],
});

const BUCKET = 'echo-ridge-bench';
const dynamoDb = await startDynamoDbLocal();
const fauxqs = await startFauxqsServer();
try {
  await ensureScoreTable(dynamoDb.endpoint, DEFAULT_TABLE_NAME);
  await s3Client(fauxqs.endpoint).send(new CreateBucketCommand({ Bucket: BUCKET }));
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  const handler = createHandler({
    TABLE_NAME: DEFAULT_TABLE_NAME,
    BUCKET_NAME: BUCKET,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
    AWS_ENDPOINT_URL_S3: fauxqs.endpoint,
  });
  const context = () => createLambdaContext({ ...SCORE_FUNCTION, region: LOCAL_AWS.region });

  const measure = async (count: number, next: (i: number) => APIGatewayProxyEvent) => {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const response = await handler(next(i), context());
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
    }
    return latencies;
  };

  const table = { client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint }), tableName: DEFAULT_TABLE_NAME, now: () => new Date() };
  const store = createStore({ ...table, retentionDays: 1 }).tenant(DEV_TENANT);
  const sampler = createSampler(table, 1);
  const scorer = createScorer();
  const floor = async (count: number, prefix: string) => {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const input = company(`${prefix}-${i}`);
      const payload = scorer.score(input);
      const started = performance.now();
      await Promise.all([store.saveScore(payload), sampler.keep([input])]);
      latencies.push(performance.now() - started);
    }
    return latencies;
  };
  /** CPU time of this process and of DynamoDB Local per request, over a measured run. */
  const cpuPer = async <T>(count: number, run: () => Promise<T>) => {
    const [ownBefore, javaBefore] = [process.cpuUsage(), await cpuTimeMs(dynamoDb.pid)];
    const result = await run();
    const own = process.cpuUsage(ownBefore);
    const javaAfter = await cpuTimeMs(dynamoDb.pid);
    const java = javaBefore === undefined || javaAfter === undefined ? 'n/a' : `${((javaAfter - javaBefore) / count).toFixed(2)} ms`;
    return { result, cpu: `CPU per request: this process ${((own.user + own.system) / 1000 / count).toFixed(2)} ms, DynamoDB Local ${java}` };
  };

  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  let score: { result: number[]; cpu: string };
  let read: number[];
  let floorWrites: { result: number[]; cpu: string };
  try {
    await measure(WARMUP, (i) => event('POST', '/score', company(`warm-${i}`)));
    await floor(WARMUP, 'floor-warm');
    score = await cpuPer(RUNS, () => measure(RUNS, (i) => event('POST', '/score', company(`bench-${i}`))));
    floorWrites = await cpuPer(RUNS, () => floor(RUNS, 'floor'));
    read = await measure(RUNS, (i) => event('GET', `/scores/bench-${i}`));
  } finally {
    process.stdout.write = write;
  }
  console.log(`score-api handler in process, store on DynamoDB Local (${RUNS} sequential requests each, after ${WARMUP} warm-up; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
  console.log(`  POST /score             ${summarize(score.result)}; ${score.cpu}`);
  console.log(`    floor: its writes alone ${summarize(floorWrites.result)}; ${floorWrites.cpu}`);
  console.log(`  GET /scores/{id}        ${summarize(read)}`);
  console.log('  target: POST /score p99 <= 5 ms');
} finally {
  await Promise.all([dynamoDb.stop(), fauxqs.stop()]);
}
