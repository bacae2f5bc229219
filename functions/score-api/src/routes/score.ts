import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { validateCompany } from '@echo-ridge/engine';
import { BODY_LIMIT_BYTES, readJsonBody } from '../http/body.js';
import { unprocessable } from '../http/errors.js';
import { readQuery } from '../http/query.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import { ScoreQuerySchema, type Body, type ScoreResponseSchema } from '../schemas.js';
import type { Service } from '../service.js';

/** POST /score[?verbose=true]: scores one company, stores the payload, answers with it. */
export async function scoreCompany({ event }: RouteRequest, { scorer, verboseScorer, store, logger, metrics }: Service): Promise<Reply> {
  const { verbose } = readQuery(ScoreQuerySchema, event);
  const checked = validateCompany(readJsonBody(event, BODY_LIMIT_BYTES));
  if (!checked.ok) throw unprocessable('The company record is invalid: fix the fields listed in issues.', checked.issues);
  logger.appendKeys({ company_id: checked.value.company_id });
  const payload = (verbose ? verboseScorer : scorer).score(checked.value);
  await store.saveScore(payload);
  metrics.addMetric('CompaniesScored', MetricUnit.Count, 1);
  const body: Body<typeof ScoreResponseSchema> = payload;
  return ok(body);
}
