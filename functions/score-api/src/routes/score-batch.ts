import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BatchRequestSchema, type BatchItemErrorSchema, type BatchResponseSchema, type Body } from '@echo-ridge/contract';
import { validateCompany, validateWith, type Company } from '@echo-ridge/engine';
import { MAX_PAGE_SIZE, type WriteAttempt } from '@echo-ridge/store';
import { BATCH_BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { unprocessable } from '../http/errors.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { TenantService } from '../service.js';
import { identify } from '../telemetry.js';
import { batchSummary } from './batch-summary.js';

type ItemError = Body<typeof BatchItemErrorSchema>;

/** The company_id of a record that failed validation, when it has a usable one. */
function companyIdOf(input: unknown): string | undefined {
  const id = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).company_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** The request's companies, split into the valid ones and an error per invalid one, by index. */
function checkBatch(event: RouteRequest['event']) {
  const request = validateWith(BatchRequestSchema, readJsonBody(event, BATCH_BODY_LIMIT_BYTES));
  if (!request.ok) throw unprocessable('The batch request is invalid: fix the fields listed in issues.', request.issues);
  const { companies } = request.value;
  const valid: { index: number; company: Company }[] = [];
  const errors: ItemError[] = [];
  companies.forEach((input, index) => {
    const checked = validateCompany(input);
    if (checked.ok) {
      valid.push({ index, company: checked.value });
      return;
    }
    const companyId = companyIdOf(input);
    errors.push({
      index,
      ...(companyId !== undefined && { company_id: companyId }),
      error: { code: 'VALIDATION_FAILED', message: `Company ${index} is invalid: fix the fields listed in issues.`, issues: checked.issues },
    });
  });
  return { total: companies.length, valid, errors };
}

/**
 * POST /score/batch: scores every valid company, reports every invalid one by index, stores the scores
 * under a new batch id and then the batch record, so that a readable record always has its scores. An
 * attempt of a request with `Idempotency-Key` uses the request's id as batch id and its first
 * attempt's time, so that it rewrites what an earlier, failed attempt stored.
 */
export async function scoreBatch({ event }: RouteRequest, service: TenantService, attempt?: WriteAttempt): Promise<Reply> {
  const { scoring, store, sampler, metrics } = service;
  const { total, valid, errors } = checkBatch(event);
  const batchId = attempt?.id ?? randomUUID();
  identify(service, { batch_id: batchId });
  const createdAt = attempt?.startedAt ?? new Date().toISOString();
  const { scorer } = await scoring.current();
  const results = valid.map(({ index, company }) => ({ index, company_id: company.company_id, payload: scorer.score(company) }));
  await Promise.all([store.saveBatchScores(batchId, results, attempt), sampler.keep(valid.map(({ company }) => company))]);
  const summary = batchSummary(total, results.length);
  await store.putBatch(
    {
      batch_id: batchId,
      status: 'completed',
      total: summary.total,
      successful: summary.successful,
      failed: summary.failed,
      created_at: createdAt,
      completed_at: new Date().toISOString(),
    },
    attempt,
  );
  metrics.addMetric('CompaniesScored', MetricUnit.Count, results.length);
  const body: Body<typeof BatchResponseSchema> = { batch_id: batchId, results, errors, summary };
  return ok(body);
}

/**
 * What an idempotency record keeps of a batch answer: its id. A thousand payloads are megabytes, past
 * what one DynamoDB item holds, and they are stored anyway (replayBatch).
 */
export const keepBatch = (reply: Reply): string => (reply.body as Body<typeof BatchResponseSchema>).batch_id;

/**
 * The answer to a batch request sent again: its payloads as stored, in input order, and its errors
 * found again in the body, which is the first request's (the idempotency record checked its hash).
 */
export async function replayBatch(batchId: string, { event }: RouteRequest, { store }: TenantService): Promise<Reply> {
  const { total, errors } = checkBatch(event);
  const results: Body<typeof BatchResponseSchema>['results'] = [];
  let cursor: string | undefined;
  do {
    const page = await store.batchScores(batchId, { limit: MAX_PAGE_SIZE, cursor });
    // Only scores with a batch_index are indexed as batch members (scoreItem).
    for (const { batch_index, company_id, payload } of page.items) if (batch_index !== undefined) results.push({ index: batch_index, company_id, payload });
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  const body: Body<typeof BatchResponseSchema> = { batch_id: batchId, results, errors, summary: batchSummary(total, results.length) };
  return ok(body);
}
