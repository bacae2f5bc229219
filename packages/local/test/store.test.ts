import { DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createScorer, validateCompany, type Company } from '@echo-ridge/engine';
import { BatchNameInUseError, ConflictError, createBatchRunStore, createDocumentClient, createStore, createTableContext, presignUpload, deleteApiKeyTenant, findApiKeyTenant, putApiKeyTenant, InvalidCursorError, type BatchRecord, type BatchRunStore, type Store, type TenantStore } from '@echo-ridge/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';
import { ensureScoreTable } from '../src/score-table.js';
import { company } from '@echo-ridge/score-api/test/company-record';

/** The store's access patterns against DynamoDB Local, on the table as the stack creates it. */

const TABLE = 'store-test';
const RETENTION_DAYS = 30;
const scorer = createScorer();
const verboseScorer = createScorer({ verbose: true });

let dynamoDb: DynamoDbLocal;
let service: Store;
let store: TenantStore;
let client: DynamoDBClient;
let clock = Date.parse('2026-03-01T12:00:00.000Z');

const validCompany = (id: string): Company => {
  const checked = validateCompany(company(id));
  if (!checked.ok) throw new Error('the sample company must be valid');
  return checked.value;
};
const payloadOf = (id: string) => scorer.score(validCompany(id));

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
  await ensureScoreTable(dynamoDb.endpoint, TABLE);
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDb.endpoint });
  const documents = createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint });
  // Each stored item is a millisecond later than the one before, so that order is by storage.
  service = createStore({ client: documents, tableName: TABLE, retentionDays: RETENTION_DAYS, now: () => new Date((clock += 1)) });
  store = service.tenant('acme');
});

afterAll(() => dynamoDb.stop());

describe('stored scores', () => {
  it('keeps the full payload as the engine produced it, byte for byte, and counts it', async () => {
    const before = await store.companiesScored();
    const payload = verboseScorer.score(validCompany('exact-co'));
    const stored = await store.saveScore(payload);
    const latest = await store.latestScore('exact-co');
    expect(JSON.stringify(latest?.payload)).toBe(JSON.stringify(payload));
    expect(latest).toEqual(stored);
    expect(await store.companiesScored()).toBe(before + 1);
  });

  it('sets the time to live RETENTION_DAYS after the write, on a table whose TTL is enabled', async () => {
    const stored = await store.saveScore(payloadOf('ttl-co'));
    const key = { pk: { S: 'TENANT#acme#COMPANY#ttl-co' }, sk: { S: `SCORE#${stored.stored_at}#${stored.score_id}` } };
    const item = await client.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    expect(Number(item.Item?.expires_at?.N)).toBe(Math.floor(Date.parse(stored.stored_at) / 1000) + RETENTION_DAYS * 86_400);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
  });

  it('answers the latest score of a company, and nothing for an unknown one', async () => {
    const first = await store.saveScore(payloadOf('latest-co'));
    const second = await store.saveScore(payloadOf('latest-co'));
    expect((await store.latestScore('latest-co'))?.score_id).toBe(second.score_id);
    expect(first.score_id).not.toBe(second.score_id);
    expect(await store.latestScore('never-scored')).toBeUndefined();
  });

  it('pages through the history newest first, the last page without a cursor', async () => {
    const saved = [];
    for (let i = 0; i < 5; i++) saved.push(await store.saveScore(payloadOf('history-co')));
    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await store.scoreHistory('history-co', { limit: 2, cursor });
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.score_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(saved.map((item) => item.score_id).reverse());
  });

  it("refuses another company's cursor", async () => {
    await store.saveScore(payloadOf('cursor-a'));
    await store.saveScore(payloadOf('cursor-a'));
    const page = await store.scoreHistory('cursor-a', { limit: 1 });
    expect(page.next_cursor).not.toBeNull();
    await expect(store.scoreHistory('cursor-b', { limit: 1, cursor: page.next_cursor! })).rejects.toThrow(InvalidCursorError);
  });

  it('loses no write and no count when many writers store scores of one company at once', async () => {
    const before = await store.companiesScored();
    const stored = await Promise.all(Array.from({ length: 20 }, () => store.saveScore(payloadOf('busy-co'))));
    expect(new Set(stored.map((item) => item.score_id)).size).toBe(20);
    expect((await store.scoreHistory('busy-co', { limit: 100 })).items).toHaveLength(20);
    expect(await store.companiesScored()).toBe(before + 20);
  });
});

describe('batches', () => {
  const record = (batchId: string): BatchRecord => ({
    batch_id: batchId,
    status: 'completed',
    total: 3,
    successful: 3,
    failed: 0,
    created_at: '2026-03-01T12:00:00.000Z',
    completed_at: '2026-03-01T12:00:01.000Z',
  });

  it('reads a batch record back by id, and nothing for an unknown id', async () => {
    await store.putBatch(record('batch-read'));
    expect(await store.getBatch('batch-read')).toEqual(record('batch-read'));
    expect(await store.getBatch('batch-unknown')).toBeUndefined();
  });

  it('never overwrites a batch record: the second writer gets ConflictError', async () => {
    await store.putBatch(record('batch-once'));
    await expect(store.putBatch({ ...record('batch-once'), status: 'failed' })).rejects.toThrow(ConflictError);
    expect((await store.getBatch('batch-once'))?.status).toBe('completed');
  });

  it('stores the scores of a batch, counted, and lists them in input order, a page at a time', async () => {
    const ids = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4'];
    const before = await store.companiesScored();
    const stored = await store.saveBatchScores('batch-members', ids.map((id, index) => ({ index, payload: payloadOf(id) })).reverse());
    expect(stored.map((score) => [score.batch_id, score.batch_index])).toEqual([4, 3, 2, 1, 0].map((index) => ['batch-members', index]));
    expect(await store.companiesScored()).toBe(before + 5);
    const first = await store.batchScores('batch-members', { limit: 3 });
    const rest = await store.batchScores('batch-members', { limit: 3, cursor: first.next_cursor! });
    expect([...first.items, ...rest.items].map((item) => [item.company_id, item.batch_index])).toEqual(ids.map((id, index) => [id, index]));
    expect(rest.next_cursor).toBeNull();
    await expect(store.batchScores('batch-other', { limit: 3, cursor: first.next_cursor! })).rejects.toThrow(InvalidCursorError);
  });
});

/** Signs upload URLs as the API does, offline: presigning needs credentials, not an answer. */
const signer = new S3Client({ ...LOCAL_AWS, endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
const UPLOAD_URL_SECONDS = 15 * 60;
const opening = (batchId: string, now: Date, name?: string, s3 = signer) => ({
  batchId,
  name,
  sign: () => presignUpload(s3, batchId, { bucket: 'data', key: `incoming/t/${name ?? batchId}.jsonl`, expiresInSeconds: UPLOAD_URL_SECONDS, now }),
});

/** The store's own options on the test table, with a document client whose every request is listed by command name. */
function countingOptions(now?: () => Date) {
  const documents = createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint });
  const requests: string[] = [];
  documents.middlewareStack.add(
    (next, context) => (args) => {
      requests.push(context.commandName ?? 'unnamed');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { requests, options: { client: documents, tableName: TABLE, retentionDays: RETENTION_DAYS, ...(now && { now }) } };
}

/** The record a file batch's first delivery writes (batch-runs.ts), of a one-chunk file of `tenant`. */
const fileBatch = (runs: BatchRunStore, batchId: string, tenant: string) =>
  runs.create({
    batch_id: batchId,
    tenant,
    source: { bucket: 'data', key: `incoming/${tenant}/${batchId}.jsonl`, etag: '"e"', size: 10 },
    chunks: [{ index: 0, start: 0, end: 10 }],
    context_version: 'v1',
    results_key: `results/${batchId}.jsonl`,
    errors_key: `errors/${batchId}.jsonl`,
  });

describe('reading a batch', () => {
  let counted: ReturnType<typeof countingOptions>;
  let runs: BatchRunStore;
  let reader: TenantStore;
  const tenant = (id: string) => createStore(counted.options).tenant(id);
  beforeAll(() => {
    counted = countingOptions();
    runs = createBatchRunStore(counted.options);
    reader = tenant('reader');
  });
  const apiBatch = (batchId: string): BatchRecord => ({ batch_id: batchId, status: 'completed', total: 1, successful: 1, failed: 0, created_at: '2026-03-01T12:00:00.000Z', completed_at: '2026-03-01T12:00:01.000Z' });

  it.each([
    ['a batch sent through the API', 'api-kind', () => reader.putBatch(apiBatch('api-kind')), { status: 'completed', total: 1 }],
    ['an upload whose file has not arrived', 'upload-waiting', () => reader.openUpload(opening('upload-waiting', new Date())), { status: 'awaiting_upload' }],
    ['an upload whose file arrived: the file batch stands in for it', 'upload-arrived', async () => {
      await reader.openUpload(opening('upload-arrived', new Date()));
      await fileBatch(runs, 'upload-arrived', 'reader');
    }, { status: 'queued', tenant: 'reader', chunk_count: 1 }],
    ["a file dropped in the tenant's folder", 'dropped-file', () => fileBatch(runs, 'dropped-file', 'reader'), { status: 'queued', tenant: 'reader' }],
    ["an upload whose id another tenant's file carries: the upload's own record", 'upload-foreign-file', async () => {
      await reader.openUpload(opening('upload-foreign-file', new Date()));
      await fileBatch(runs, 'upload-foreign-file', 'other');
    }, { status: 'awaiting_upload' }],
  ])('reads %s with one GetItem of each place, sent together', async (_, batchId, make, expected) => {
    await make();
    counted.requests.length = 0;
    expect(await reader.getBatch(batchId)).toMatchObject({ batch_id: batchId, ...expected });
    expect(counted.requests).toEqual(['GetItemCommand', 'GetItemCommand']);
  });

  it("finds nothing, with the same two GetItems, for another tenant's batch of any kind or an unknown id", async () => {
    const owner = tenant('owner');
    await owner.putBatch(apiBatch('owned-api'));
    await owner.openUpload(opening('owned-upload', new Date()));
    await fileBatch(runs, 'owned-upload', 'owner');
    await fileBatch(runs, 'owned-file', 'owner');
    for (const batchId of ['owned-api', 'owned-upload', 'owned-file', 'never-made']) {
      counted.requests.length = 0;
      expect(await reader.getBatch(batchId)).toBeUndefined();
      expect(counted.requests).toEqual(['GetItemCommand', 'GetItemCommand']);
    }
    await expect(owner.getBatch('owned-file')).resolves.toMatchObject({ tenant: 'owner' });
  });
});

describe('batch uploads', () => {
  let now = Date.parse('2026-05-01T09:00:00.000Z');
  let counted: ReturnType<typeof countingOptions>;
  let runs: BatchRunStore;
  const tenant = (id: string) => createStore(counted.options).tenant(id);
  const at = () => new Date(now);
  beforeAll(() => {
    counted = countingOptions(at);
    runs = createBatchRunStore(counted.options);
  });
  const inUseBy = (batchId: string, status: string) => expect.objectContaining({ name: 'BatchNameInUseError', holder: expect.objectContaining({ batch_id: batchId, status }) });

  it('writes nothing when the URL cannot be signed, and leaves the name free', async () => {
    const uploads = tenant('unsigned-uploads');
    const expired = new S3Client({ region: LOCAL_AWS.region, credentials: () => Promise.reject(new Error('the role session has expired')) });
    await expect(uploads.openUpload(opening('never-signed', at(), 'leads', expired))).rejects.toThrow('the role session has expired');
    await expect(uploads.openUpload(opening('never-signed-2', at(), undefined, expired))).rejects.toThrow('the role session has expired');

    const items = await client.send(new ScanCommand({ TableName: TABLE, FilterExpression: 'begins_with(pk, :tenant)', ExpressionAttributeValues: { ':tenant': { S: 'TENANT#unsigned-uploads#' } } }));
    expect(items.Items).toEqual([]);
    expect(await uploads.getBatch('never-signed')).toBeUndefined();
    await expect(uploads.openUpload(opening('signed', at(), 'leads'))).resolves.toMatchObject({ method: 'PUT' });
  });

  it('reads an upload whose answer was lost as expired once its URL has expired, and as its file batch if the file came after all', async () => {
    const uploads = tenant('lost-answers');
    const upload = await uploads.openUpload(opening('lost', at()));
    expect(Date.parse(upload.expires_at)).toBe(now + UPLOAD_URL_SECONDS * 1000);
    now += UPLOAD_URL_SECONDS * 1000 - 1;
    await expect(uploads.getBatch('lost')).resolves.toMatchObject({ status: 'awaiting_upload', upload_expires_at: upload.expires_at });
    now += 1;
    await expect(uploads.getBatch('lost')).resolves.toMatchObject({ status: 'expired', total: 0, completed_at: null });
    // S3 checks the expiry when a PUT starts: a long one that started in time lands after it.
    await fileBatch(runs, 'lost', 'lost-answers');
    await expect(uploads.getBatch('lost')).resolves.toMatchObject({ status: 'queued', tenant: 'lost-answers' });
  });

  it('refuses a name held by a batch awaiting its upload, queued or running, before signing, and gives it to the next batch once that one has ended', async () => {
    const uploads = tenant('named-uploads');
    let signed = 0;
    const open = (batchId: string) => {
      const { sign, ...rest } = opening(batchId, at(), 'leads');
      return uploads.openUpload({ ...rest, sign: () => ((signed += 1), sign()) });
    };
    await open('first');
    await expect(open('second')).rejects.toEqual(inUseBy('first', 'awaiting_upload'));
    expect(signed).toBe(1);
    await fileBatch(runs, 'first', 'named-uploads');
    await expect(open('second')).rejects.toEqual(inUseBy('first', 'queued'));
    await runs.claimChunk('first', 0, { owner: 'worker', until: now + 60_000 });
    await expect(open('second')).rejects.toEqual(inUseBy('first', 'running'));
    await expect(tenant('other-uploads').openUpload(opening('elsewhere', at(), 'leads'))).resolves.toMatchObject({ method: 'PUT' });
    expect(await uploads.getBatch('second')).toBeUndefined();

    await runs.fail('first', 'the object changed while it was scored');
    await open('second');
    await expect(uploads.getBatch('second')).resolves.toMatchObject({ status: 'awaiting_upload' });
    await expect(open('third')).rejects.toEqual(inUseBy('second', 'awaiting_upload'));
    now += UPLOAD_URL_SECONDS * 1000;
    await open('third');
    await expect(uploads.getBatch('third')).resolves.toMatchObject({ status: 'awaiting_upload' });
  });

  it('gives a name to one of two uploads that ask for it at the same moment', async () => {
    const uploads = tenant('racing-uploads');
    const [a, b] = await Promise.allSettled([uploads.openUpload(opening('race-a', at(), 'race')), uploads.openUpload(opening('race-b', at(), 'race'))]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const [winner, loser] = a.status === 'fulfilled' ? ['race-a', b] : ['race-b', a];
    expect(loser.status === 'rejected' && loser.reason).toBeInstanceOf(BatchNameInUseError);
    await expect(uploads.getBatch(winner)).resolves.toMatchObject({ status: 'awaiting_upload' });
    await expect(uploads.getBatch(winner === 'race-a' ? 'race-b' : 'race-a')).resolves.toBeUndefined();
  });

  it('opens the same upload again for every attempt of an idempotent request, at the first attempt’s time', async () => {
    const uploads = tenant('retried-uploads');
    const attempt = await uploads.claimAttempt('createBatchUpload', 'key-1', 3600);
    await uploads.openUpload({ ...opening('retried', at(), 'retried'), attempt });
    now += 5_000;
    const again = await uploads.openUpload({ ...opening('retried', at(), 'retried'), attempt });
    await expect(uploads.getBatch('retried')).resolves.toMatchObject({ status: 'awaiting_upload', created_at: attempt.startedAt, upload_expires_at: again.expires_at });
    await expect(uploads.openUpload(opening('not-retried', at(), 'retried'))).rejects.toEqual(inUseBy('retried', 'awaiting_upload'));
  });
});

describe('tenants', () => {
  it("keeps two tenants' scores of one company_id apart: each reads its own latest and history, and the other's writes change neither", async () => {
    const acme = service.tenant('acme');
    const globex = service.tenant('globex');
    const mine = await acme.saveScore(payloadOf('shared-co'));
    expect(await globex.latestScore('shared-co')).toBeUndefined();
    const theirs = await globex.saveScore(verboseScorer.score(validCompany('shared-co')));
    expect(await acme.latestScore('shared-co')).toEqual(mine);
    expect(await globex.latestScore('shared-co')).toEqual(theirs);
    expect((await acme.scoreHistory('shared-co', { limit: 10 })).items).toEqual([mine]);
    expect((await globex.scoreHistory('shared-co', { limit: 10 })).items).toEqual([theirs]);
  });

  it("finds no batch, no batch member and no count of another tenant, and refuses its cursors", async () => {
    const acme = service.tenant('acme-batches');
    const globex = service.tenant('globex-batches');
    const globexBefore = await globex.companiesScored();
    await acme.saveBatchScores('tenant-batch', ['t-0', 't-1', 't-2'].map((id, index) => ({ index, payload: payloadOf(id) })));
    await acme.putBatch({ batch_id: 'tenant-batch', status: 'completed', total: 3, successful: 3, failed: 0, created_at: '2026-03-01T12:00:00.000Z', completed_at: '2026-03-01T12:00:01.000Z' });
    expect(await globex.getBatch('tenant-batch')).toBeUndefined();
    expect((await globex.batchScores('tenant-batch', { limit: 10 })).items).toEqual([]);
    expect(await acme.companiesScored()).toBe(3);
    expect(await globex.companiesScored()).toBe(globexBefore);
    const page = await acme.batchScores('tenant-batch', { limit: 1 });
    await expect(globex.batchScores('tenant-batch', { limit: 1, cursor: page.next_cursor! })).rejects.toThrow(InvalidCursorError);
    await acme.saveScore(payloadOf('cursor-co'));
    await acme.saveScore(payloadOf('cursor-co'));
    const history = await acme.scoreHistory('cursor-co', { limit: 1 });
    await expect(globex.scoreHistory('cursor-co', { limit: 1, cursor: history.next_cursor! })).rejects.toThrow(InvalidCursorError);
  });

  it('never shows one tenant a score another stored, whatever the tenant and company ids (property)', async () => {
    const tenant = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    // Company ids may hold the key separator and look like other keys' prefixes.
    const companyId = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('x#COMPANY#y', 'COMPANY#a', '#', 'STATS', 'a#TENANT#b'));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(tenant, { minLength: 2, maxLength: 2 }), companyId, async ([writer, reader], id) => {
        const stored = await service.tenant(writer!).saveScore({ ...payloadOf('prop-co'), company_id: id });
        expect(await service.tenant(reader!).latestScore(id)).toBeUndefined();
        expect((await service.tenant(reader!).scoreHistory(id, { limit: 100 })).items.every((item) => item.score_id !== stored.score_id)).toBe(true);
        expect((await service.tenant(writer!).latestScore(id))?.score_id).toBe(stored.score_id);
      }),
      { numRuns: 40 },
    );
  });
});

describe('API key tenants', () => {
  it('records the tenant of a key under its hash, never the key itself, finds it back and forgets it on revocation', async () => {
    const table = createTableContext({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint }), tableName: TABLE, retentionDays: 1 });
    const value = 'er_key_secret_0123456789abcdef';
    const stored = await putApiKeyTenant(table, value, { key_id: 'k1', tenant: 'acme', plan: 'standard' });
    expect(await findApiKeyTenant(table, value)).toEqual(stored);
    expect(await findApiKeyTenant(table, `${value}x`)).toBeUndefined();
    expect(JSON.stringify((await client.send(new ScanCommand({ TableName: TABLE }))).Items)).not.toContain(value);
    await deleteApiKeyTenant(table, value);
    expect(await findApiKeyTenant(table, value)).toBeUndefined();
  });
});

describe('attempts of an idempotent write', () => {
  it('give every attempt the first one’s id and time, so a later attempt replaces the scores instead of adding to them', async () => {
    const first = await store.claimAttempt('scoreBatch', 'key-1', 3600);
    const later = await store.claimAttempt('scoreBatch', 'key-1', 3600);
    expect(later).toEqual(first);
    const members = [0, 1].map((index) => ({ index, payload: payloadOf(`attempt-co-${index}`) }));
    await store.saveBatchScores(first.id, members, first);
    await store.saveBatchScores(later.id, members, later);
    await store.putBatch({ batch_id: first.id, status: 'completed', total: 2, successful: 2, failed: 0, created_at: first.startedAt, completed_at: first.startedAt }, first);
    await store.putBatch({ batch_id: later.id, status: 'completed', total: 2, successful: 2, failed: 0, created_at: later.startedAt, completed_at: later.startedAt }, later);
    expect((await store.scoreHistory('attempt-co-0', { limit: 10 })).items.map((score) => score.score_id)).toEqual([`${first.id}-0`]);
    expect((await store.batchScores(first.id, { limit: 10 })).items).toHaveLength(2);
  });

  it('count the scores once however many attempts store them', async () => {
    const attempt = await store.claimAttempt('scoreCompany', 'key-2', 3600);
    const before = await store.companiesScored();
    await store.saveScore(payloadOf('counted-once-co'), attempt);
    await store.saveScore(payloadOf('counted-once-co'), attempt);
    expect(await store.companiesScored()).toBe(before + 1);
    expect((await store.scoreHistory('counted-once-co', { limit: 10 })).items).toHaveLength(1);
  });

  it('are apart by tenant and by operation', async () => {
    const acme = await store.claimAttempt('scoreCompany', 'shared', 3600);
    const globex = await service.tenant('globex').claimAttempt('scoreCompany', 'shared', 3600);
    const otherRoute = await store.claimAttempt('scoreBatch', 'shared', 3600);
    expect(new Set([acme.id, globex.id, otherRoute.id]).size).toBe(3);
    expect([acme.key.pk, globex.key.pk]).toEqual(['TENANT#acme#IDEMPOTENCY', 'TENANT#globex#IDEMPOTENCY']);
  });
});
