import type { Body, HealthResponseSchema } from '@echo-ridge/contract';
import type { Reply } from '../http/reply.js';
import type { Setup } from '../service.js';

type Health = Body<typeof HealthResponseSchema>;

/** GET /healthz (no API key): 200 when configured and the table answers, else 503 naming the failing part. */
export async function checkHealth(setup: Setup): Promise<Reply> {
  if (!setup.ok) {
    return unhealthy({ configuration: { status: 'failing', problems: setup.problems }, table: { status: 'not_checked' } });
  }
  try {
    // A read of the counters item proves the table exists, is reachable and may be read.
    await setup.service.store.companiesScored();
  } catch (error) {
    setup.service.logger.warn('health check: the score table did not answer', { error });
    return unhealthy({ configuration: { status: 'ok' }, table: { status: 'failing', problems: ['the score table did not answer'] } });
  }
  const body: Health = { status: 'ok', checks: { configuration: { status: 'ok' }, table: { status: 'ok' } } };
  return { statusCode: 200, body };
}

function unhealthy(checks: Health['checks']): Reply {
  const body: Health = { status: 'unavailable', checks };
  return { statusCode: 503, body };
}
