import { createScorer, validateCompany } from '@echo-ridge/engine';
import { createBatchRunStore, createDocumentClient, createStore, DEV_TENANT, type BatchRun, type BatchRunStore, type TenantStore } from '@echo-ridge/store';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { company } from '@echo-ridge/score-api/test/company-record';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';
import { ensureScoreTable } from '../src/score-table.js';

/**
 * "The newest upload wins" on DynamoDB Local: the scores of file batches, written as the batch
 * function writes them, with their events (so their batches) in any order.
 */

const TABLE = 'latest-score-test';
const BUCKET = 'data';
const scorer = createScorer();
const noSample = { distinct: () => () => null };

let dynamoDb: DynamoDbLocal;
/** The dev tenant's view: the uploads below lie in its folder of incoming/. */
let store: TenantStore;
let runs: BatchRunStore;
let clock = Date.parse('2026-04-01T08:00:00.000Z');

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  await ensureScoreTable(dynamoDb.endpoint, TABLE);
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  const options = { client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint }), tableName: TABLE, retentionDays: 1, now: () => new Date((clock += 1_000)) };
  store = createStore(options).tenant(DEV_TENANT);
  runs = createBatchRunStore(options);
});

afterAll(() => dynamoDb?.stop());

const scored = (id: string) => {
  const checked = validateCompany(company(id));
  if (!checked.ok) throw new Error('the sample company must be valid');
  return { company: checked.value, payload: scorer.score(checked.value) };
};

/** The batch of one upload of `key`, created now: a batch planned later stores its scores later. */
const upload = (batchId: string, key: string, sequencer: string | undefined) =>
  runs.create({
    batch_id: batchId,
    tenant: DEV_TENANT,
    source: { bucket: BUCKET, key, etag: batchId, size: 100, ...(sequencer !== undefined && { sequencer }) },
    chunks: [{ index: 0, start: 0, end: 100 }],
    context_version: 'bundled',
    results_key: `results/${batchId}.jsonl`,
    errors_key: `errors/${batchId}.jsonl`,
  });

/** Writes one chunk's scores as the batch function does: the companies at the given member numbers. */
async function writeChunk(run: BatchRun, members: Record<number, string>) {
  const writer = runs.openScoreWriter(run, noSample);
  for (const [member, id] of Object.entries(members)) {
    const { company: input, payload } = scored(id);
    await writer.add(Number(member), payload, input);
  }
  return writer.flush();
}

const latestBatch = async (id: string) => (await store.latestScore(id))?.batch_id;

describe('the latest score of a company scored from uploads of one key', () => {
  it('comes from the newest upload when the events arrive newest first, sequencers of different lengths compared as numbers', async () => {
    // "1000" is newer than "FFF": compared as strings without padding it would be older.
    const newer = await upload('newest-first-2', 'incoming/dev/same.jsonl', '1000');
    await expect(writeChunk(newer, { 1: 'nf-a', 2: 'nf-b' })).resolves.toEqual({ superseded: 0 });
    const older = await upload('newest-first-1', 'incoming/dev/same.jsonl', 'FFF');
    expect(older.created_at > newer.created_at).toBe(true);
    await expect(writeChunk(older, { 1: 'nf-a', 2: 'nf-b', 3: 'nf-c' })).resolves.toEqual({ superseded: 2 });

    await expect(latestBatch('nf-a')).resolves.toBe('newest-first-2');
    await expect(latestBatch('nf-b')).resolves.toBe('newest-first-2');
    // Only the older upload holds this company: its score is the latest there is.
    await expect(latestBatch('nf-c')).resolves.toBe('newest-first-1');
    // The older upload's score is still history, and stored later, so newer in time.
    const history = await store.scoreHistory('nf-a', { limit: 10 });
    expect(history.items.map((score) => score.batch_id)).toEqual(['newest-first-1', 'newest-first-2']);
  });

  it('comes from the newest upload when the events arrive oldest first', async () => {
    await writeChunk(await upload('oldest-first-1', 'incoming/dev/in-order.jsonl', '0055AED6DCD90281E5'), { 1: 'of-a' });
    await expect(writeChunk(await upload('oldest-first-2', 'incoming/dev/in-order.jsonl', '0055AED6DCD90281E6'), { 1: 'of-a' })).resolves.toEqual({ superseded: 0 });
    await expect(latestBatch('of-a')).resolves.toBe('oldest-first-2');
  });

  it("is a company's last line in the upload, whatever order the chunks finish in, and again after a chunk is scored twice", async () => {
    const run = await upload('twice-in-file', 'incoming/dev/twice.jsonl', '0A');
    await writeChunk(run, { 900: 'tw-a' });
    await expect(writeChunk(run, { 5: 'tw-a' })).resolves.toEqual({ superseded: 1 });
    await expect(writeChunk(run, { 900: 'tw-a' })).resolves.toEqual({ superseded: 0 });
    const latest = await store.latestScore('tw-a');
    expect(latest).toMatchObject({ batch_id: 'twice-in-file', batch_index: 899 });
  });

  it('moves to a later upload of another key, or a score from the API, and back from the API to any upload', async () => {
    await writeChunk(await upload('key-one', 'incoming/dev/one.jsonl', 'FFFF'), { 1: 'mix-a' });
    await writeChunk(await upload('key-two', 'incoming/dev/two.jsonl', '01'), { 1: 'mix-a' });
    await expect(latestBatch('mix-a')).resolves.toBe('key-two');

    const api = await store.saveScore(scored('mix-a').payload);
    await expect(store.latestScore('mix-a')).resolves.toEqual(api);

    await writeChunk(await upload('key-one-older', 'incoming/dev/one.jsonl', '0001'), { 1: 'mix-a' });
    await expect(latestBatch('mix-a')).resolves.toBe('key-one-older');
  });

  it('counts an upload without a sequencer (a batch planned before they were kept) as older than any with one', async () => {
    await writeChunk(await upload('with-sequencer', 'incoming/dev/legacy.jsonl', '01'), { 1: 'legacy-a' });
    await expect(writeChunk(await upload('without-sequencer', 'incoming/dev/legacy.jsonl', undefined), { 1: 'legacy-a' })).resolves.toEqual({ superseded: 1 });
    await expect(latestBatch('legacy-a')).resolves.toBe('with-sequencer');
  });
});
