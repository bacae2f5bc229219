import type { Body, HealthResponseSchema } from '@echo-ridge/contract';
import type { Reply } from '../http/reply.js';
import type { Setup } from '../service.js';

type Health = Body<typeof HealthResponseSchema>;

/** At most one table read per this many milliseconds per sandbox, however often /healthz is called. */
export const HEALTH_CHECK_TTL_MS = 10_000;

interface Checked {
  at: number;
  reply: Promise<Reply>;
}

const checks = new WeakMap<Setup, Checked>();

/**
 * GET /healthz (no API key): 200 when configured and the table answers, else 503 naming the failing
 * part. It is public, so it names parts only: what is wrong with the configuration goes to the log
 * (at set-up), never into the answer. The answer is kept HEALTH_CHECK_TTL_MS, and concurrent calls
 * share one check, so a flood of /healthz costs the table one read per sandbox per 10 s.
 */
export function checkHealth(setup: Setup, now = Date.now()): Promise<Reply> {
  const cached = checks.get(setup);
  if (cached && now - cached.at < HEALTH_CHECK_TTL_MS) return cached.reply;
  const reply = check(setup);
  checks.set(setup, { at: now, reply });
  return reply;
}

async function check(setup: Setup): Promise<Reply> {
  if (!setup.ok) return unhealthy({ configuration: { status: 'failing' }, table: { status: 'not_checked' } });
  try {
    // A read of the service counters item proves the table exists, is reachable and may be read.
    await setup.service.store.companiesScored();
  } catch (error) {
    setup.service.logger.warn('health check: the score table did not answer', { error });
    return unhealthy({ configuration: { status: 'ok' }, table: { status: 'failing' } });
  }
  const body: Health = { status: 'ok', checks: { configuration: { status: 'ok' }, table: { status: 'ok' } } };
  return { statusCode: 200, body };
}

function unhealthy(checks: Health['checks']): Reply {
  const body: Health = { status: 'unavailable', checks };
  return { statusCode: 503, body };
}
