import { setTimeout as sleep } from 'node:timers/promises';
import { IDEMPOTENCY_KEY_HEADER, type Operation } from '@echo-ridge/contract';
import { ApiConnectionError, ApiError, ApiTimeoutError } from './errors.js';
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelayMs, type RetryPolicy } from './retry.js';

export interface TransportOptions {
  /** The API's base URL, with the stage path on AWS (`https://…/v1`). */
  baseUrl: string;
  apiKey: string | undefined;
  /** How long one attempt may wait for its answer. */
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
  /** Waits between attempts; tests record the waits instead. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, undefined, { signal });

/** One request: a route of the contract, its path parameters, query and JSON body. */
export interface Call {
  operation: Pick<Operation, 'method' | 'path' | 'idempotent'>;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Statuses whose body is the answer (200 unless said otherwise); any other status throws ApiError. */
  answers?: readonly number[];
  signal?: AbortSignal | undefined;
  /** The `Idempotency-Key` of a write the contract marks idempotent; one is made when none is given. */
  idempotencyKey?: string | undefined;
}

/** The route's path with each `{name}` replaced by its encoded value, and the query's defined values. */
function urlOf(baseUrl: string, { operation, params = {}, query = {} }: Call): URL {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  // Relative to the base with a trailing slash, so that a stage path such as /v1 is kept.
  const url = new URL(path.slice(1), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  return url;
}

export type Send = <T>(call: Call) => Promise<T>;

/**
 * Sends calls with a timeout per attempt, and retries 409, 429 and 503 after the wait `retryDelayMs` sets.
 * Nothing else is retried: another 4xx will fail again, and a request that timed out or lost its
 * connection may already have been scored and stored.
 */
export function createTransport(options: TransportOptions): Send {
  return async <T>(call: Call): Promise<T> => {
    const url = urlOf(options.baseUrl, call);
    const { method } = call.operation;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    // One key per logical call, sent again with each of its retries: a write retried after a 503 that
    // came after part of it was stored is stored once (the API's idempotency).
    if (call.operation.idempotent) headers[IDEMPOTENCY_KEY_HEADER] = call.idempotencyKey ?? crypto.randomUUID();
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);

    for (let retry = 0; ; retry += 1) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await options.fetch(url, { method, headers, body, signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout });
        ({ status } = response);
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        if (call.signal?.aborted) throw error;
        if (timeout.aborted) throw new ApiTimeoutError(method, url.pathname, options.timeoutMs);
        throw new ApiConnectionError(method, url, error);
      }
      if ((call.answers ?? [200]).includes(status)) return JSON.parse(text) as T;
      const error = ApiError.fromAnswer(status, text);
      const delay = RETRYABLE_STATUSES.has(status) ? retryDelayMs(options.retry, retry, parseRetryAfter(retryAfter, Date.now()), options.random) : undefined;
      if (delay === undefined) throw error;
      await options.sleep(delay, call.signal);
    }
  };
}
