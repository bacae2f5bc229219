import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PUBLIC_ROUTE_THROTTLE } from '@echo-ridge/contract';
import type { ResourceMatch } from './api-resources.js';
import { listen } from './http-listen.js';
import type { KeyRing } from './key-ring.js';
import type { RequestObservation } from './observe/api-metrics.js';
import { toProxyEvent, type Caller } from './proxy-event.js';
import { InvocationTimeoutError } from './sandbox-pool.js';
import { TokenBucket } from './token-bucket.js';

/** A synchronous Lambda invocation carries at most 6 MB; API Gateway refuses larger bodies up front. */
export const INVOCATION_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export interface GatewayOptions {
  host: string;
  port: number;
  stage: string;
  /** The keys as they are at each request (key-ring.ts): a new or revoked key counts from the next one. */
  keys: KeyRing;
  /** The API's resources: which one a request reaches, and whether it needs a key. */
  resolve(method: string, path: string): ResourceMatch;
  invoke(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
  log(message: string): void;
  now?: () => number;
  /** Told of every answered request, for the metrics API Gateway would publish (observe/api-metrics.ts). */
  observe?(request: RequestObservation): void;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

/** Gateway responses in the API's error format, as the stack configures them. */
function gatewayError(statusCode: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}): Answer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ error: { code, message }, request_id: requestId }),
  };
}

/** Reads the body up to `limit` bytes; past it, keeps draining so that the client can read the 413. */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function fromLambda(result: APIGatewayProxyResult): Answer {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  return { statusCode: result.statusCode, headers, body: result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body };
}

/**
 * An HTTP server that behaves like the API Gateway REST API in front of the score function: it
 * checks `x-api-key` and resolves its tenant as the stack's authorizer does (the tenant in
 * `requestContext.authorizer`, the key as the usage identifier), throttles each key like its usage
 * plan and each public method on its own bucket (the stack's method settings), refuses bodies a
 * Lambda invocation cannot carry, and turns each request into a proxy event for `invoke`.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const now = options.now ?? Date.now;
  // Buckets are made on first use and kept by key value and limits: re-reading the keys file keeps a key's bucket.
  const buckets = new Map<string, TokenBucket>();
  const bucket = (id: string, rate: number, burst: number) => {
    const name = `${id}:${rate}:${burst}`;
    let found = buckets.get(name);
    if (!found) buckets.set(name, (found = new TokenBucket(rate, burst, now())));
    return found;
  };
  const throttled = (request: IncomingMessage, requestId: string, retryAfterSeconds: number, whose: string) => {
    request.resume();
    const retryAfter = String(retryAfterSeconds);
    return gatewayError(429, 'THROTTLED', `Too many requests for ${whose}: retry after ${retryAfter} s.`, requestId, { 'retry-after': retryAfter });
  };

  async function answer(request: IncomingMessage, requestId: string, seen: Partial<RequestObservation>): Promise<Answer> {
    const method = request.method ?? 'GET';
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const resource = options.resolve(method, pathname);
    seen.resource = resource.resource;
    let caller: Caller | null = null;
    if (resource.apiKeyRequired) {
      const presented = request.headers['x-api-key'];
      const key = typeof presented === 'string' ? await options.keys.find(presented) : undefined;
      if (!key) {
        request.resume();
        return gatewayError(403, 'FORBIDDEN', 'Missing or unknown API key: send a valid key in the x-api-key header.', requestId);
      }
      const admission = bucket(`key:${key.value}`, key.rate_limit, key.burst_limit).take(now());
      if (!admission.admitted) return throttled(request, requestId, admission.retryAfterSeconds, 'this API key');
      caller = { apiKey: key.value, apiKeyId: key.name, tenant: key.tenant };
      seen.apiKeyName = `${key.tenant}/${key.name}`;
    } else {
      const admission = bucket(`method:${method} ${resource.resource}`, PUBLIC_ROUTE_THROTTLE.rateLimit, PUBLIC_ROUTE_THROTTLE.burstLimit).take(now());
      if (!admission.admitted) return throttled(request, requestId, admission.retryAfterSeconds, 'this route');
    }
    const body = await readBody(request, INVOCATION_PAYLOAD_LIMIT_BYTES);
    if (body === undefined) {
      return gatewayError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${INVOCATION_PAYLOAD_LIMIT_BYTES} bytes: send fewer companies per request.`, requestId);
    }
    const event = toProxyEvent(request, { ...resource, requestId, stage: options.stage, caller, body });
    const invoked = performance.now();
    try {
      return fromLambda(await options.invoke(event));
    } catch (error) {
      options.log(`invocation ${requestId} failed: ${(error as Error).stack ?? String(error)}`);
      return error instanceof InvocationTimeoutError
        ? gatewayError(504, 'GATEWAY_TIMEOUT', 'The function did not answer in time: retry later.', requestId)
        : gatewayError(502, 'BAD_GATEWAY', 'The function failed to answer: retry later.', requestId);
    } finally {
      seen.integrationLatencyMs = performance.now() - invoked;
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    const arrived = performance.now();
    const seen: Partial<RequestObservation> = {};
    void answer(request, requestId, seen)
      .catch((error: unknown) => {
        options.log(`request ${requestId} failed in the gateway: ${(error as Error).stack ?? String(error)}`);
        return gatewayError(500, 'INTERNAL_ERROR', 'The local gateway failed: see its output.', requestId);
      })
      .then(({ statusCode, headers, body }) => {
        response.writeHead(statusCode, { ...headers, 'x-amzn-requestid': requestId });
        response.end(body);
        options.observe?.({ ...seen, method: request.method ?? 'GET', resource: seen.resource ?? '/{proxy+}', statusCode, latencyMs: performance.now() - arrived });
      });
  });
  return listen(server, options.host, options.port);
}
