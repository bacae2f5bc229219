import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { HybridRequestSchema, type Body, type HybridResponseSchema } from '@echo-ridge/contract';
import { adaptRecord, blendScores, HybridInputError, validateWith, type Adaptation } from '@echo-ridge/engine';
import { BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { unprocessable } from '../http/errors.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { Service } from '../service.js';
import { identify } from '../telemetry.js';

/** The adapted company, or a 422 whose issues are named from the request's root; failures are counted. */
function adapt(record: unknown, { metrics }: Service): Adaptation {
  try {
    return adaptRecord(record, new Date());
  } catch (error) {
    if (!(error instanceof HybridInputError)) throw error;
    metrics.addMetric('AdapterFailures', MetricUnit.Count, 1);
    const issues = error.issues.map((issue) => ({ ...issue, path: `record.${issue.path}` }));
    throw unprocessable('The pipeline record cannot be adapted: fix the fields listed in issues.', issues);
  }
}

/**
 * POST /score/hybrid: adapts a pipeline record into a company, scores it and blends the payload with
 * the AI's score (spec §10). The engine's steps are called one by one rather than through
 * `scoreHybrid`, so that an adapter failure is counted as one and its issues are named from the
 * request's root (`record.place_norm.entity_id`).
 */
export async function scoreHybrid({ event }: RouteRequest, service: Service): Promise<Reply> {
  const { scoring, metrics } = service;
  const request = validateWith(HybridRequestSchema, readJsonBody(event, BODY_LIMIT_BYTES));
  if (!request.ok) throw unprocessable('The hybrid request is invalid: fix the fields listed in issues.', request.issues);
  const { record, ai_score: aiScore, ...options } = request.value;

  const started = performance.now();
  const { company, warnings } = adapt(record, service);
  identify(service, { company_id: company.company_id });
  const { scorer } = await scoring.current();
  const deterministic = scorer.score(company);
  const blend = blendScores(aiScore, deterministic, options);
  metrics.addMetric('BlendLatency', MetricUnit.Milliseconds, performance.now() - started);
  metrics.addMetric('AdapterWarnings', MetricUnit.Count, warnings.length);
  // One per blend flagged as divergent, so that flags / blends is the share the runbook alarms on.
  metrics.addMetric('DivergenceFlags', MetricUnit.Count, blend.divergence.has_significant_divergence ? 1 : 0);
  const body: Body<typeof HybridResponseSchema> = { company_id: company.company_id, company, adapter_warnings: warnings, deterministic, blend };
  return ok(body);
}
