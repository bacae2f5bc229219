import type { TenantId } from '@echo-ridge/store';
import type { Context } from 'aws-lambda';
import type { RouteMatch } from '../router.js';

/** Per-request facts that resolveRequest adds to the Lambda context for the middlewares after it. */
export interface RequestFacts {
  requestId: string;
  correlationId: string;
  method: string;
  /** The matched route's template, or the raw path when nothing matched. */
  endpoint: string;
  match: RouteMatch;
  /** performance.now() when the handler received the request. */
  receivedAt: number;
  /** The caller's tenant on keyed routes (resolveTenant); absent on public ones. */
  tenant?: TenantId;
}

export interface ApiContext extends Context {
  api: RequestFacts;
}
