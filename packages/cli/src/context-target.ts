import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { createHandler, RefreshReportSchema, type RefreshReport } from '@echo-ridge/context-refresh';
import { CONTEXT_REFRESH_FUNCTION, contextRefreshEnv, createLambdaContext, DEFAULT_RUNTIME_FILE, LOCAL_AWS, readRuntimeFile, RuntimeFileError } from '@echo-ridge/local';
import { createContextStore, createDocumentClient, type ContextStore } from '@echo-ridge/store';
import * as v from 'valibot';
import { CliError } from './cli-error.js';
import { stackOutputs } from './stack-outputs.js';

/** Where `echo-ridge context` acts: the local runtime's emulators, or a deployed stage's table, bucket and refresh function. */
export interface ContextTarget {
  /** Named in what the command prints. */
  description: string;
  contexts: ContextStore;
  /** Runs the refresh function once and returns its report. */
  refresh(): Promise<RefreshReport>;
}

/** The local runtime that `pnpm start` described in `runtimeFile`; the refresh runs the real handler in this process. */
export async function localTarget(runtimeFile = DEFAULT_RUNTIME_FILE): Promise<ContextTarget> {
  let facts;
  try {
    facts = await readRuntimeFile(runtimeFile);
  } catch (error) {
    if (error instanceof RuntimeFileError) throw new CliError(error.message);
    throw error;
  }
  // The emulators' credentials, as the runtime sets them, so that nothing sent from here can reach AWS;
  // there is no CloudWatch to publish the refresh's metrics to.
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const table = { client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: facts.dynamodb_endpoint }), tableName: facts.table, now: () => new Date() };
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint: facts.s3_endpoint, forcePathStyle: true });
  const env = {
    ...contextRefreshEnv({ dynamoDbEndpoint: facts.dynamodb_endpoint, s3Endpoint: facts.s3_endpoint, tableName: facts.table, bucket: facts.bucket }),
    LOG_LEVEL: 'SILENT',
  };
  return {
    description: `the local runtime at ${facts.api_url}`,
    contexts: createContextStore({ table, s3, bucket: facts.bucket }),
    refresh: () => createHandler(env)({}, createLambdaContext({ ...CONTEXT_REFRESH_FUNCTION, region: LOCAL_AWS.region })),
  };
}

/** A deployed stage, found through the outputs of its stack, with the AWS SDK's default credentials and region. */
export async function stageTarget(stage: string): Promise<ContextTarget> {
  const output = await stackOutputs(stage);
  const [tableName, bucket, functionName] = [output('Table'), output('DataBucket'), output('ContextRefreshFunction')];
  const lambda = new LambdaClient({});
  return {
    description: `stage ${stage} (stack ${stage}-echo-ridge)`,
    contexts: createContextStore({ table: { client: createDocumentClient(), tableName, now: () => new Date() }, s3: new S3Client({}), bucket }),
    async refresh() {
      const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode('{}') }));
      const payload = new TextDecoder().decode(result.Payload);
      if (result.FunctionError) throw new CliError(`${functionName} failed: ${payload}`);
      return v.parse(RefreshReportSchema, JSON.parse(payload));
    },
  };
}
