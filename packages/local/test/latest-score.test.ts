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

/** The batch of one upload of `key` that S3 finished at `uploadedAt`, planned now (so a batch planned later is stored later). */
const upload = (batchId: string, key: string, sequencer: string | undefined, uploadedAt?: string) =>
  runs.create({
    batch_id: batchId,
    tenant: DEV_TENANT,
    source: { bucket: BUCKET, key, etag: batchId, size: 100, ...(sequencer !== undefined && { sequencer }), ...(uploadedAt !== undefined && { uploaded_at: uploadedAt }) },
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
  await writer.flush();
}

const latestBatch = async (id: string) => (await store.latestScore(id))?.batch_id;
const historyBatches = async (id: string) => (await store.scoreHistory(id, { limit: 10 })).items.map((score) => score.batch_id);
/** A time of the test's clock, `seconds` from now: uploads are dated around the batches' planning. */
const at = (seconds: number) => new Date(clock + seconds * 1_000).toISOString();

describe('the latest score of a company scored from uploads of one key', () => {
  it('comes from the newest upload when the events arrive newest first, and the history lists uploads newest first', async () => {
    const newer = await upload('newest-first-2', 'incoming/dev/same.jsonl', '1000', at(-5));
    await writeChunk(newer, { 1: 'nf-a', 2: 'nf-b' });
    const older = await upload('newest-first-1', 'incoming/dev/same.jsonl', '0FFF', at(-10));
    // Planned and stored after the newer one: arrival order is not processing order.
    expect(older.created_at > newer.created_at).toBe(true);
    await writeChunk(older, { 1: 'nf-a', 2: 'nf-b', 3: 'nf-c' });

    await expect(latestBatch('nf-a')).resolves.toBe('newest-first-2');
    await expect(latestBatch('nf-b')).resolves.toBe('newest-first-2');
    // Only the older upload holds this company: its score is the latest there is.
    await expect(latestBatch('nf-c')).resolves.toBe('newest-first-1');
    await expect(historyBatches('nf-a')).resolves.toEqual(['newest-first-2', 'newest-first-1']);
  });

  it('goes by the sequencer between uploads of one millisecond, sequencers of different lengths compared as numbers', async () => {
    const sameTime = at(-3);
    // "1000" is newer than "FFF": compared as strings without padding it would be older.
    await writeChunk(await upload('same-ms-newer', 'incoming/dev/ms.jsonl', '1000', sameTime), { 1: 'ms-a' });
    await writeChunk(await upload('same-ms-older', 'incoming/dev/ms.jsonl', 'FFF', sameTime), { 1: 'ms-a' });
    await expect(latestBatch('ms-a')).resolves.toBe('same-ms-newer');
  });

  it('comes from the newest upload when the events arrive oldest first', async () => {
    await writeChunk(await upload('oldest-first-1', 'incoming/dev/in-order.jsonl', '0055AED6DCD90281E5', at(-2)), { 1: 'of-a' });
    await writeChunk(await upload('oldest-first-2', 'incoming/dev/in-order.jsonl', '0055AED6DCD90281E6', at(-1)), { 1: 'of-a' });
    await expect(latestBatch('of-a')).resolves.toBe('oldest-first-2');
  });

  it("is a company's last line in the upload, whatever order the chunks finish in, and again after a chunk is scored twice", async () => {
    const run = await upload('twice-in-file', 'incoming/dev/twice.jsonl', '0A', at(0));
    await writeChunk(run, { 900: 'tw-a' });
    await writeChunk(run, { 5: 'tw-a' });
    await writeChunk(run, { 900: 'tw-a' });
    await expect(store.latestScore('tw-a')).resolves.toMatchObject({ batch_id: 'twice-in-file', batch_index: 899 });
    // The chunk scored twice rewrote its item: two lines, two scores.
    await expect(historyBatches('tw-a')).resolves.toEqual(['twice-in-file', 'twice-in-file']);
  });

  it("is the newest input, whether an upload of another key or the API's", async () => {
    await writeChunk(await upload('key-one', 'incoming/dev/one.jsonl', 'FFFF', at(0)), { 1: 'mix-a' });
    await writeChunk(await upload('key-two', 'incoming/dev/two.jsonl', '01', at(1)), { 1: 'mix-a' });
    await expect(latestBatch('mix-a')).resolves.toBe('key-two');

    const api = await store.saveScore(scored('mix-a').payload);
    await expect(store.latestScore('mix-a')).resolves.toEqual(api);
    // An upload finished before the API's score, its event processed after it, does not displace it.
    await writeChunk(await upload('key-one-late-event', 'incoming/dev/one.jsonl', 'FFFFF', at(-1)), { 1: 'mix-a' });
    await expect(store.latestScore('mix-a')).resolves.toEqual(api);
    // One finished after it does.
    await writeChunk(await upload('key-one-later', 'incoming/dev/one.jsonl', 'FFFFFF', at(5)), { 1: 'mix-a' });
    await expect(latestBatch('mix-a')).resolves.toBe('key-one-later');
  });

  it("is the last member of a request's batch for a company twice in it", async () => {
    // Eleven members, so that an index of two digits must sort after one of one digit.
    const members = ['req-b', 'req-a', ...Array.from({ length: 8 }, (_, i) => `req-${i}`), 'req-a'].map((id, index) => ({ index, payload: scored(id).payload }));
    const stored = await store.saveBatchScores('request-batch', members);
    await expect(store.latestScore('req-a')).resolves.toEqual(stored[10]);
  });

  it('sorts a batch planned before upload times and sequencers were kept at its creation', async () => {
    await writeChunk(await upload('with-sequencer', 'incoming/dev/legacy.jsonl', '01', at(-30)), { 1: 'legacy-a' });
    await writeChunk(await upload('without-sequencer', 'incoming/dev/legacy.jsonl', undefined), { 1: 'legacy-a' });
    await expect(latestBatch('legacy-a')).resolves.toBe('without-sequencer');
  });
});
