import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiKey } from '../src/api-keys.js';
import { companyLines } from './support/companies.js';
import { startTestRuntime, type ErrorBody } from './support/runtime.js';

/**
 * Batch files through the API, as a customer holding only a key does it on `pnpm start`: POST /batches,
 * PUT the file to the presigned URL, follow GET /batches/{id} to completed, download the outputs from
 * the URLs it links. Another tenant finds none of it.
 */

const key = (name: string, tenant: string): ApiKey => ({ name, tenant, value: `${name}-key-value-0123456789abcdef`, rate_limit: 500, burst_limit: 1000 });
const KEYS = [key('acme-1', 'acme'), key('globex-1', 'globex')];

let service: Awaited<ReturnType<typeof startTestRuntime>>;

beforeAll(async () => {
  service = await startTestRuntime(KEYS);
});

afterAll(async () => {
  await service?.runtime.stop();
});

const as = (who: ApiKey, path: string, init: RequestInit & { json?: unknown } = {}) => service.api(path, { ...init, headers: { 'x-api-key': who.value } });
const [acme, globex] = KEYS as [ApiKey, ApiKey];

interface UploadAnswer {
  batch_id: string;
  status: string;
  key: string;
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expires_at: string; max_bytes: number };
}
interface BatchAnswer {
  status: string;
  summary: { total: number; successful: number; failed: number };
  file?: { tenant: string; source: { key: string } };
  downloads?: { results: { url: string; expires_at: string }; errors: { url: string; expires_at: string } };
}

async function batchOnceEnded(who: ApiKey, batchId: string): Promise<BatchAnswer> {
  for (;;) {
    const body = (await (await as(who, `/batches/${batchId}`)).json()) as BatchAnswer;
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('POST /batches on the local runtime', () => {
  it('uploads a file to a presigned URL, scores it as the caller tenant\'s batch, and links its outputs once completed; another tenant sees a 404 throughout', async () => {
    const created = await as(acme, '/batches', { method: 'POST', json: { name: 'q4-leads' } });
    expect(created.status).toBe(201);
    const answer = (await created.json()) as UploadAnswer;
    expect(answer).toMatchObject({ status: 'awaiting_upload', key: 'incoming/acme/q4-leads.jsonl', upload: { method: 'PUT', max_bytes: 5 * 1024 ** 3 } });
    expect(Date.parse(answer.upload.expires_at) - Date.now()).toBeGreaterThan(10 * 60 * 1000);

    await expect((await as(acme, `/batches/${answer.batch_id}`)).json()).resolves.toMatchObject({ batch_id: answer.batch_id, status: 'awaiting_upload' });
    expect((await as(globex, `/batches/${answer.batch_id}`)).status).toBe(404);

    const lines = [...companyLines(40, 'uploaded')];
    lines[7] = '{"company_id": "broken",\n';
    const put = await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body: lines.join('') });
    expect(put.status).toBe(200);

    const ended = await batchOnceEnded(acme, answer.batch_id);
    expect(ended).toMatchObject({ status: 'completed', summary: { total: 40, successful: 39, failed: 1 }, file: { tenant: 'acme', source: { key: answer.key } } });
    const results = await fetch(ended.downloads!.results.url);
    expect(results.status).toBe(200);
    const ids = (await results.text()).trim().split('\n').map((line) => (JSON.parse(line) as { company_id: string }).company_id);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => `uploaded-${i}`).filter((_, i) => i !== 7));
    const errors = (await (await fetch(ended.downloads!.errors.url)).text()).trim().split('\n');
    expect(errors.map((line) => JSON.parse(line) as { line: number })).toEqual([expect.objectContaining({ line: 8 })]);

    expect((await as(globex, `/batches/${answer.batch_id}`)).status).toBe(404);
    expect((await as(globex, '/scores/uploaded-3')).status).toBe(404);
    expect((await as(acme, '/scores/uploaded-3')).status).toBe(200);
  });

  it('answers a request sent again with the same Idempotency-Key with the same batch, and another body with 422', async () => {
    const send = (json: unknown) => service.api('/batches', { method: 'POST', json, headers: { 'x-api-key': acme.value, 'idempotency-key': 'upload-q1' } });
    const first = await send({ name: 'retried' });
    const again = await send({ name: 'retried' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = (await Promise.all([first.json(), again.json()])) as [UploadAnswer, UploadAnswer];
    expect(b.batch_id).toBe(a.batch_id);
    expect((await send({ name: 'other' })).status).toBe(422);
  });

  it('refuses a name while its batch is open, with 409 naming the field, the batch and when its URL expires, and gives it out again once that batch has ended', async () => {
    const first = (await (await as(acme, '/batches', { method: 'POST', json: { name: 'weekly' } })).json()) as UploadAnswer;
    const refused = await as(acme, '/batches', { method: 'POST', json: { name: 'weekly.jsonl' } });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'BATCH_NAME_IN_USE', issues: [{ path: 'name', message: expect.stringContaining(`batch ${first.batch_id}, awaiting its upload until ${first.upload.expires_at}`) }] });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await as(globex, '/batches', { method: 'POST', json: { name: 'weekly' } })).status).toBe(201);

    const put = await fetch(first.upload.url, { method: 'PUT', headers: first.upload.headers, body: [...companyLines(5, 'weekly')].join('') });
    expect(put.status).toBe(200);
    await expect(batchOnceEnded(acme, first.batch_id)).resolves.toMatchObject({ status: 'completed', summary: { total: 5, successful: 5, failed: 0 } });
    const next = await as(acme, '/batches', { method: 'POST', json: { name: 'weekly' } });
    expect(next.status).toBe(201);
    await expect(next.json()).resolves.toMatchObject({ key: first.key, status: 'awaiting_upload' });
  });

  it('names the file after the batch when no name is given', async () => {
    const answer = (await (await as(globex, '/batches', { method: 'POST', json: {} })).json()) as UploadAnswer;
    expect(answer.key).toBe(`incoming/globex/${answer.batch_id}.jsonl`);
  });

  it.each([
    [{ name: '../acme/steal' }, 'name'],
    [{ name: 'a/b' }, 'name'],
    [{ name: '.jsonl' }, 'name'],
    [{ name: 42 }, 'name'],
  ])('refuses %j with 422 naming the field', async (json, field) => {
    const response = await as(acme, '/batches', { method: 'POST', json });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.issues?.map((issue) => issue.path)).toContain(field);
  });
});
