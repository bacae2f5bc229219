import type { Operation } from '@echo-ridge/contract';
import type { TenantId } from '@echo-ridge/store';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Reply } from './http/reply.js';
import type { Setup } from './service.js';

export interface RouteRequest {
  event: APIGatewayProxyEvent;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  /** The caller's tenant on keyed routes (resolveTenant). */
  tenant?: TenantId;
  /** The invocation's context: its deadline bounds how long an idempotent write holds its key. */
  lambdaContext: Context;
}

/** A route of the contract with the function that answers it; `path` is also the `endpoint` that logs name. */
export interface Route extends Pick<Operation, 'method' | 'path' | 'apiKeyRequired'> {
  handle(request: RouteRequest, setup: Setup): Reply | Promise<Reply>;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

type Segment = { literal: string } | { param: string };

function compile(template: string): Segment[] {
  return template
    .split('/')
    .slice(1)
    .map((part) => (part.startsWith('{') && part.endsWith('}') ? { param: part.slice(1, -1) } : { literal: part }));
}

/**
 * Matches the request path, which API Gateway REST passes still percent-encoded, so that an encoded
 * `/` inside a company id stays inside its segment.
 */
function matchPath(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
      continue;
    }
    if (part === '') return undefined;
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return undefined;
    }
  }
  return params;
}

export interface Router {
  match(method: string, path: string): RouteMatch;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map((route) => ({ route, segments: compile(route.path) }));
  return {
    match(method, path) {
      const parts = path.split('/').slice(1);
      const allow: string[] = [];
      for (const { route, segments } of compiled) {
        const params = matchPath(segments, parts);
        if (!params) continue;
        if (route.method === method) return { kind: 'found', route, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
    },
  };
}
