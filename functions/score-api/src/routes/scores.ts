import { ScoresQuerySchema, type Body, type HistoryResponseSchema, type ScoreResponseSchema } from '@echo-ridge/contract';
import { notFound } from '../http/errors.js';
import { readQuery } from '../http/query.js';
import { ok, type Reply } from '../http/reply.js';
import type { RouteRequest } from '../router.js';
import type { TenantService } from '../service.js';
import { identify } from '../telemetry.js';

const noScores = (companyId: string) => notFound(`No score is stored for company_id ${JSON.stringify(companyId)}: score it with POST /score first.`);

/** GET /scores/{company_id}[?history=true&limit=&cursor=]: the latest payload, or the history newest first. */
export async function readScores({ event, params }: RouteRequest, service: TenantService): Promise<Reply> {
  const { store } = service;
  const companyId = params.company_id!;
  identify(service, { company_id: companyId });
  const { history, limit, cursor } = readQuery(ScoresQuerySchema, event);
  if (!history) {
    const latest = await store.latestScore(companyId);
    if (!latest) throw noScores(companyId);
    const body: Body<typeof ScoreResponseSchema> = latest.payload;
    return ok(body);
  }
  const page = await store.scoreHistory(companyId, { limit, cursor });
  if (page.items.length === 0 && cursor === undefined) throw noScores(companyId);
  const body: Body<typeof HistoryResponseSchema> = {
    company_id: companyId,
    scores: page.items.map((stored) => stored.payload),
    next_cursor: page.next_cursor,
  };
  return ok(body);
}
