/**
 * What the latest-score pointers cost a chunk (pnpm bench): on DynamoDB Local, the scores of one chunk
 * of example companies written as the batch function writes them (BatchWriteItem, then one
 * conditional PutItem pointer per company), against the same scores without pointers, and an older
 * upload of the same key whose pointer writes are all refused. It prints figures; it asserts nothing.
 */
import { createScorer, validateCompany } from '@echo-ridge/engine';
import { createBatchRunStore, createBatchWriter, createDocumentClient, DEV_TENANT, fileBatchScoreItem, type BatchRun } from '@echo-ridge/store';
import { LOCAL_AWS, startDynamoDbLocal } from '../src/dynamodb-local.js';
import { ensureScoreTable } from '../src/score-table.js';
import { EXAMPLE_LINES, companyLine } from '../test/support/companies.js';
import { useEmulatorCredentials } from '../test/support/emulators.js';

const COMPANIES = Number(process.env.POINTER_BENCH_COMPANIES ?? 14_000);
const TABLE = 'pointer-bench';
const scorer = createScorer();
const noSample = { distinct: () => () => null };

const lines = Array.from({ length: COMPANIES }, (_, i) => {
  const checked = validateCompany(JSON.parse(companyLine(i, 'pointer')));
  if (!checked.ok) throw new Error(`example line ${i % EXAMPLE_LINES.length} is not valid`);
  return { company: checked.value, payload: scorer.score(checked.value) };
});

useEmulatorCredentials();
const dynamoDb = await startDynamoDbLocal();
try {
  await ensureScoreTable(dynamoDb.endpoint, TABLE);
  const options = { client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint }), tableName: TABLE, retentionDays: 1 };
  const runs = createBatchRunStore(options);
  const upload = (batchId: string, sequencer: string) =>
    runs.create({
      batch_id: batchId,
      tenant: DEV_TENANT,
      source: { bucket: 'data', key: 'incoming/dev/bench.jsonl', etag: batchId, size: 1, sequencer },
      chunks: [{ index: 0, start: 0, end: 1 }],
      context_version: 'bundled',
      results_key: `results/${batchId}.jsonl`,
      errors_key: `errors/${batchId}.jsonl`,
    });
  const table = { expiresAt: () => Math.floor(Date.now() / 1000) + 86_400 };

  const timed = async (what: string, write: () => Promise<unknown>) => {
    const started = performance.now();
    const outcome = await write();
    const seconds = (performance.now() - started) / 1000;
    console.log(`${what}: ${COMPANIES} companies in ${seconds.toFixed(1)} s, ${Math.round((COMPANIES / seconds) * 60).toLocaleString('en')} companies/min ${outcome ? JSON.stringify(outcome) : ''}`);
  };

  const scoresOnly = async (run: BatchRun) => {
    const writer = createBatchWriter(options);
    for (const [i, { payload }] of lines.entries()) await writer.add(fileBatchScoreItem(table, { tenant: run.tenant, batchId: run.batch_id, storedAt: run.created_at, member: i + 1, payload }));
    await writer.flush();
  };
  const withPointers = async (run: BatchRun) => {
    const writer = runs.openScoreWriter(run, noSample);
    for (const [i, { payload, company }] of lines.entries()) await writer.add(i + 1, payload, company);
    return writer.flush();
  };

  await timed('scores only (BatchWriteItem)', async () => scoresOnly(await upload('bench-scores-only', '01')));
  await timed('scores and pointers, newest upload', async () => withPointers(await upload('bench-newer', '0F')));
  await timed('scores and pointers, an older upload (every pointer refused)', async () => withPointers(await upload('bench-older', '0E')));
} finally {
  await dynamoDb.stop();
}
