import type { Body, StatsResponseSchema } from '@echo-ridge/contract';
import { API_VERSION, ENGINE_VERSION } from '@echo-ridge/engine';
import { ok, type Reply } from '../http/reply.js';
import type { TenantService } from '../service.js';

const MS_PER_HOUR = 3_600_000;

/** GET /stats: what this function scores with, and how many companies the service has scored. */
export async function readStats({ scoring, store }: TenantService): Promise<Reply> {
  const { context, weights } = (await scoring.current()).scorer;
  const fittedAt = context.fitted_at === null ? NaN : Date.parse(context.fitted_at);
  const body: Body<typeof StatsResponseSchema> = {
    versions: { api: API_VERSION, engine: ENGINE_VERSION, weights: weights.version },
    norm_context: {
      version: context.version,
      checksum: context.checksum,
      fitted_at: context.fitted_at,
      age_hours: Number.isNaN(fittedAt) ? null : Math.round(((Date.now() - fittedAt) / MS_PER_HOUR) * 100) / 100,
      sample_size: context.companies_count,
    },
    companies_scored: await store.companiesScored(),
  };
  return ok(body);
}
