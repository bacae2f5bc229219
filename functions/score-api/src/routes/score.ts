import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ScoreQuerySchema, type Body, type ScoreResponseSchema } from '@echo-ridge/contract';
import { validateCompany } from '@echo-ridge/engine';
import type { WriteAttempt } from '@echo-ridge/store';
import { BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { notFound, unprocessable } from '../http/errors.js';
import { readQuery } from '../http/query.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { TenantService } from '../service.js';
import { identify } from '../telemetry.js';

/**
 * POST /score[?verbose=true]: scores one company with the current context, stores the payload (and the
 * input, when the reservoir samples it), answers with it. With `?context=<version>` it re-scores with
 * that published context instead and stores nothing: the answer reproduces a payload scored with it.
 * An attempt of a request with `Idempotency-Key` stores its score under the request's id and time.
 */
export async function scoreCompany({ event }: RouteRequest, service: TenantService, attempt?: WriteAttempt): Promise<Reply> {
  const { scoring, store, sampler, metrics } = service;
  const query = readQuery(ScoreQuerySchema, event);
  const checked = validateCompany(readJsonBody(event, BODY_LIMIT_BYTES));
  if (!checked.ok) throw unprocessable('The company record is invalid: fix the fields listed in issues.', checked.issues);
  identify(service, { company_id: checked.value.company_id });
  const scorers = query.context === undefined ? await scoring.current() : await scoring.version(query.context);
  if (!scorers) throw notFound(`No normalization context ${query.context} was ever published: every payload names the version it was scored with.`);
  const payload = (query.verbose ? scorers.verboseScorer : scorers.scorer).score(checked.value);
  if (query.context === undefined) {
    await Promise.all([store.saveScore(payload, attempt), sampler.keep([checked.value])]);
    metrics.addMetric('CompaniesScored', MetricUnit.Count, 1);
  }
  const body: Body<typeof ScoreResponseSchema> = payload;
  return ok(body);
}
