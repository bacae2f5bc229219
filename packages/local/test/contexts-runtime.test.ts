import { Upload } from '@aws-sdk/lib-storage';
import { batchIdFor } from '@echo-ridge/batch';
import { sampleWindow, type Company, type ScorePayload } from '@echo-ridge/engine';
import { createDocumentClient, readReservoir } from '@echo-ridge/store';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { s3Client } from '../src/fauxqs.js';
import { DEFAULT_TABLE_NAME } from '../src/runtime.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { EXAMPLE_LINES } from './support/companies.js';
import { startTestRuntime, type ErrorBody } from './support/runtime.js';

/**
 * The context lifecycle as `pnpm start` runs it: the score API over HTTP writes the reservoir, the
 * refresh publishes a context, a running score function notices the pointer, `?context=` re-scores
 * with an older version, and /stats shows the current one.
 */

let service: Awaited<ReturnType<typeof startTestRuntime>>;
let stdout: string[];

beforeAll(async () => {
  // Every score rereads the pointer, so that a test can see the switch without waiting for the interval.
  service = await startTestRuntime(undefined, { CONTEXT_POLL_SECONDS: '0' });
  // The hybrid test reads the function's EMF metrics: on for this file, written where the test can read them.
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  // The runtime refreshed at start, on an empty reservoir; this run waits for that one to end.
  await service.runtime.contextRefresh.run();
});

afterAll(async () => {
  jest.restoreAllMocks();
  await service.runtime.stop();
});

const json = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;
const post = (path: string, body: unknown) => service.api(path, { method: 'POST', json: body });
type Stats = { norm_context: { version: string; checksum: string; fitted_at: string | null; age_hours: number | null; sample_size: number | null } };
/** The payload without the fields that differ between runs (spec: deterministic mode fixes these two). */
const withoutRequestId = ({ request_id: _, ...payload }: ScorePayload & { request_id?: string }): ScorePayload => payload;
const reproducible = (payload: ScorePayload) => JSON.stringify({ ...withoutRequestId(payload), metadata: { ...payload.metadata, timestamp: null, processing_time_ms: null } });

/** The example cohort twice under other ids: 166 of its 240 companies meet the 0.7 confidence threshold. */
const cohort = EXAMPLE_LINES.flatMap((line, i) => [0, 1].map((copy) => ({ ...(JSON.parse(line) as Company), company_id: `cohort-${copy}-${i}` })));

describe('context lifecycle on the local runtime', () => {
  let bundled: Stats['norm_context'];
  let before: ScorePayload;
  let published: string;

  it('scores with the bundled context until one is published, and shows it in /stats', async () => {
    expect(service.refreshLog.every((line) => line.startsWith('context refresh: kept'))).toBe(true);
    bundled = (await json<Stats>(await service.api('/stats'))).norm_context;
    expect(bundled).toMatchObject({ sample_size: 83, age_hours: expect.any(Number) });
    before = await json<ScorePayload>(await post('/score', company('lifecycle-co')));
    expect(before.metadata.norm_context).toEqual({ version: bundled.version, checksum: bundled.checksum });
  });

  it('publishes a context fitted on the companies the API scored, and the running function picks it up', async () => {
    expect((await post('/score/batch', { companies: cohort })).status).toBe(200);
    const report = await service.runtime.contextRefresh.run();
    expect(report).toMatchObject({ outcome: 'published', eligible: 167 });
    published = report.version;

    const after = await json<ScorePayload>(await post('/score', company('lifecycle-co')));
    expect(after.metadata.norm_context.version).toBe(published);
    expect(after.metadata.norm_context.checksum).not.toBe(before.metadata.norm_context.checksum);

    const stats = (await json<Stats>(await service.api('/stats'))).norm_context;
    expect(stats).toMatchObject({ version: published, fitted_at: report.fitted_at, sample_size: 167 });
    expect(stats.age_hours).toBeGreaterThanOrEqual(0);
    expect(stats.age_hours).toBeLessThan(1);
  });

  it('re-scores with an older context to the stored payload, byte for byte but for the time fields, and stores nothing', async () => {
    const rescored = await post(`/score?context=${bundled.version}`, company('lifecycle-co'));
    expect(rescored.status).toBe(200);
    const stored = await json<{ scores: ScorePayload[] }>(await service.api('/scores/lifecycle-co?history=true'));
    expect(stored.scores).toHaveLength(2);
    const first = stored.scores[1]!;
    expect(JSON.stringify(first)).toBe(JSON.stringify(withoutRequestId(before)));
    expect(reproducible(await json<ScorePayload>(rescored))).toBe(reproducible(first));

    const current = await post(`/score?context=${published}&verbose=true`, company('lifecycle-co'));
    expect((await json<ScorePayload>(current)).metadata.norm_context.version).toBe(published);
    expect((await json<{ scores: unknown[] }>(await service.api('/scores/lifecycle-co?history=true'))).scores).toHaveLength(2);
  });

  it('answers 404 for a version never published and 400 for one that is no version', async () => {
    const unknown = await post('/score?context=20200101T000000Z-000000000000', company('lifecycle-co'));
    expect(unknown.status).toBe(404);
    expect((await json<ErrorBody>(unknown)).error.message).toBe('No normalization context 20200101T000000Z-000000000000 was ever published: every payload names the version it was scored with.');
    const invalid = await post('/score?context=..%2Fescape', company('lifecycle-co'));
    expect(invalid.status).toBe(400);
    expect((await json<ErrorBody>(invalid)).error.issues?.map((issue) => issue.path)).toEqual(['context']);
  });

  it('blends with the current context on /score/hybrid and publishes the hybrid metrics', async () => {
    const request = {
      record: { place_norm: { entity_id: 'ent-7', website: 'https://www.acme.example', created_at: '2025-03-01T10:00:00Z' } },
      ai_score: { model: 'test-model', overall_score: 0.9, dimb_scores: { D: { value: 0.9 }, B: { value: 0.1 } } },
      strategy: 'consensus',
    };
    stdout.length = 0;
    const response = await post('/score/hybrid', request);
    expect(response.status).toBe(200);
    const body = await json<{ adapter_warnings: string[]; deterministic: ScorePayload; blend: { divergence: { has_significant_divergence: boolean } } }>(response);
    expect(body).toMatchObject({
      company_id: 'ent-7',
      company: { company_id: 'ent-7', domain: 'acme.example' },
      adapter_warnings: expect.arrayContaining([expect.stringContaining('digital.pagespeed set to neutral default')]),
      deterministic: { company_id: 'ent-7', metadata: { version: { engine: '1.1.0' }, norm_context: { version: published } } },
      blend: { strategy: 'consensus', metadata: { ai_source: 'test-model', company_id: 'ent-7' }, divergence: { level: expect.any(String) } },
    });
    const metrics = stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(metrics).toContainEqual(
      expect.objectContaining({
        BlendLatency: expect.any(Number),
        AdapterWarnings: body.adapter_warnings.length,
        DivergenceFlags: body.blend.divergence.has_significant_divergence ? 1 : 0,
        Errors5xx: 0,
      }),
    );
  });

  it('scores a file dropped in the bucket with the current context, sampling a company repeated in it once', async () => {
    const { runtime } = service;
    const s3 = s3Client(runtime.batch.fauxqs.endpoint);
    const documents = createDocumentClient({ region: LOCAL_AWS.region, endpoint: runtime.dynamoDb.endpoint });
    try {
      const key = 'incoming/dev/repeats.jsonl';
      const body = Array.from({ length: 30 }, () => JSON.stringify(company('repeat-co'))).join('\n');
      const uploaded = await new Upload({ client: s3, params: { Bucket: runtime.batch.bucket, Key: key, Body: body } }).done();
      const batchId = batchIdFor({ bucket: runtime.batch.bucket, key, etag: uploaded.ETag! });
      let run = await runtime.batch.runs.get(batchId);
      while (run?.status !== 'completed') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        run = await runtime.batch.runs.get(batchId);
      }
      expect(run).toMatchObject({ total: 30, successful: 30, failed: 0, context_version: published });
      const reservoir = await readReservoir({ client: documents, tableName: DEFAULT_TABLE_NAME }, sampleWindow(new Date(), 2), 10_000);
      expect(reservoir.filter((entry) => (entry.company as Company).company_id === 'repeat-co')).toHaveLength(1);
    } finally {
      s3.destroy();
      documents.destroy();
    }
  });

  it('logged no failed invocation', () => {
    expect(service.gatewayLog).toEqual([]);
  });
});
