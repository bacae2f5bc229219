import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BatchRequestSchema, type BatchItemErrorSchema, type BatchResponseSchema, type Body } from '@echo-ridge/contract';
import { validateCompany, validateWith, type Company } from '@echo-ridge/engine';
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

/**
 * POST /score/batch: scores every valid company, reports every invalid one by index, stores the scores
 * under a new batch id and then the batch record, so that a readable record always has its scores.
 */
export async function scoreBatch({ event }: RouteRequest, service: TenantService): Promise<Reply> {
  const { scoring, store, sampler, metrics } = service;
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

  const batchId = randomUUID();
  identify(service, { batch_id: batchId });
  const createdAt = new Date().toISOString();
  const { scorer } = await scoring.current();
  const results = valid.map(({ index, company }) => ({ index, company_id: company.company_id, payload: scorer.score(company) }));
  await Promise.all([store.saveBatchScores(batchId, results), sampler.keep(valid.map(({ company }) => company))]);
  const summary = batchSummary(companies.length, results.length);
  await store.putBatch({
    batch_id: batchId,
    status: 'completed',
    total: summary.total,
    successful: summary.successful,
    failed: summary.failed,
    created_at: createdAt,
    completed_at: new Date().toISOString(),
  });
  metrics.addMetric('CompaniesScored', MetricUnit.Count, results.length);
  const body: Body<typeof BatchResponseSchema> = { batch_id: batchId, results, errors, summary };
  return ok(body);
}
