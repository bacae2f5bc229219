/**
 * The score API handler in this process, no HTTP: proxy events straight into `createHandler`, the
 * store on DynamoDB Local and the contexts bucket on fauxqs. Logs and metrics are produced as on Lambda but not printed, so the figures
 * include building them and exclude the terminal.
 */
import { createHandler } from '@echo-ridge/score-api';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_AWS, startDynamoDbLocal } from '../src/dynamodb-local.js';
import { s3Client, startFauxqsServer } from '../src/fauxqs.js';
import { createLambdaContext } from '../src/lambda-context.js';
import { DEFAULT_TABLE_NAME, SCORE_FUNCTION } from '../src/runtime.js';
import { ensureScoreTable } from '../src/score-table.js';
import { company } from '@echo-ridge/score-api/test/company-record';
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

  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  let score: number[];
  let read: number[];
  try {
    await measure(WARMUP, (i) => event('POST', '/score', company(`warm-${i}`)));
    score = await measure(RUNS, (i) => event('POST', '/score', company(`bench-${i}`)));
    read = await measure(RUNS, (i) => event('GET', `/scores/bench-${i}`));
  } finally {
    process.stdout.write = write;
  }
  console.log(`score-api handler in process, store on DynamoDB Local (${RUNS} sequential requests each, after ${WARMUP} warm-up)`);
  console.log(`  POST /score             ${summarize(score)}`);
  console.log(`  GET /scores/{id}        ${summarize(read)}`);
} finally {
  await Promise.all([dynamoDb.stop(), fauxqs.stop()]);
}
