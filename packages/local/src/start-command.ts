import { parseArgs } from 'node:util';
import { DEFAULT_RUNTIME_FILE, removeRuntimeFile, runtimeFacts, writeRuntimeFile } from './runtime-file.js';
import { describeFaults, faultsOn, parseFaultSpec } from './fault-spec.js';
import { DEFAULT_PORT, startRuntime } from './runtime.js';
import { stackTemplate } from './observe/stack-template.js';

/** The stage whose dashboard and alarms the local page shows: prod's critical alarms page, staging's do not. */
const OBSERVED_STAGE = 'prod';

const USAGE = `Usage: pnpm start [--persist DIR] [--port N] [--faults dynamodb=P,s3=P,sqs=P,crash=P]

Starts Echo Ridge locally (in memory unless --persist DIR keeps the data): DynamoDB Local with the stack's table,
the score API on http://127.0.0.1:${DEFAULT_PORT} behind an API Gateway emulation, and the batch
pipeline on fauxqs (S3 and SQS): a .jsonl file dropped in ./inbox/ is scored into ./outbox/. A
dashboard page (its URL printed at start) shows the prod stack's CloudWatch dashboard and the state of
its alarms over the metrics collected here (kept in DIR/metrics.jsonl under --persist). The
normalization context is refreshed at start and every 24 hours; \`pnpm echo-ridge context\` lists,
shows, publishes and refreshes contexts on this runtime.

--faults rehearses failure: each call of the functions to DynamoDB, S3 or SQS fails with probability P
(a throttle, a 500, a dropped connection, a TransactionConflict), and each batch invocation is killed at
a random point with the crash probability. Off unless given. CHUNK_BYTES in the environment reaches the
batch function, as the stack's setting does on AWS.`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      persist: { type: 'string' },
      faults: { type: 'string' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      help: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number from 0 to 65535 (got ${values.port})`);
  const faults = values.faults === undefined ? undefined : parseFaultSpec(values.faults);
  return { help: values.help, persistDir: values.persist, port, faults };
}

/** The options, or exit 2 with the problem: a wrong option could not run at all. */
function optionsOrExit() {
  try {
    return parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const options = optionsOrExit();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const chunkBytes = process.env.CHUNK_BYTES;
  const runtime = await startRuntime({
    port: options.port,
    persistDir: options.persistDir,
    faults: options.faults,
    batch: { inbox: { inboxDir: 'inbox', outboxDir: 'outbox' }, ...(chunkBytes !== undefined && { functionEnv: { CHUNK_BYTES: chunkBytes } }) },
    observe: { template: stackTemplate(OBSERVED_STAGE) },
  });
  await writeRuntimeFile(DEFAULT_RUNTIME_FILE, runtimeFacts(runtime));
  const key = runtime.apiKey.value;
  console.log(`
Echo Ridge is running locally.

  API        ${runtime.url}
  Dashboard  ${runtime.observability?.url}/  (the ${OBSERVED_STAGE} stack's dashboard and alarms over local metrics; alarms.json for the states)
  API key    ${key}  (tenant dev, ${runtime.keysCreated ? 'new, saved in' : 'from'} ${runtime.keysFile}; more with: pnpm echo-ridge keys create --tenant <id>)${
    runtime.keysMigrated.length === 0 ? '' : `\n  Migrated   ${runtime.keysMigrated.join(', ')}: written before tenants, now keys of the dev tenant`
  }
  DynamoDB   ${runtime.dynamoDb.endpoint}, pid ${runtime.dynamoDb.pid}, ${options.persistDir ? `data kept in ${options.persistDir}` : 'in memory'}
  S3 + SQS   ${runtime.batch.fauxqs.endpoint} (fauxqs, ${options.persistDir ? `data kept in ${options.persistDir}/fauxqs` : 'in memory'}): bucket ${runtime.batch.bucket}, batch queue and its DLQ
  Inbox      ${runtime.batch.inbox?.inboxDir}: a .jsonl file dropped here is scored as a batch
  Outbox     ${runtime.batch.inbox?.outboxDir}: <name>.results.jsonl and <name>.errors.jsonl
  Contexts   refreshed now and every 24 h from the scored companies; the runtime is described in ${DEFAULT_RUNTIME_FILE}${
    chunkBytes === undefined ? '' : `\n  Chunks     CHUNK_BYTES=${chunkBytes} from the environment`
  }${options.faults && faultsOn(options.faults) ? `\n  Faults     ON: ${describeFaults(options.faults)}` : ''}

Score a company, then read it back:

  head -n 1 examples/companies.jsonl | curl -s -X POST ${runtime.url}/score \\
    -H 'x-api-key: ${key}' -H 'content-type: application/json' --data-binary @-
  curl -s ${runtime.url}/scores/co-11-00000 -H 'x-api-key: ${key}'

Score a file as a batch, then read its record (the batch id is in the summary line):

  cp examples/companies.jsonl inbox/
  curl -s ${runtime.url}/batches/<batch id> -H 'x-api-key: ${key}'

Refresh the normalization context from what was scored, then list the published versions:

  pnpm echo-ridge context refresh
  pnpm echo-ridge context list

Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the gateway, the batch pipeline, fauxqs and DynamoDB Local (pid ${runtime.dynamoDb.pid})…`);
    Promise.all([runtime.stop(), removeRuntimeFile(DEFAULT_RUNTIME_FILE)]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // DynamoDB Local dying on its own leaves an API that can only answer 503: say so.
  void runtime.dynamoDb.exited.then(() => {
    if (!stopping) console.error(`DynamoDB Local (pid ${runtime.dynamoDb.pid}) exited; /healthz now reports the table as failing.`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
