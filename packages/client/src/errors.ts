import { ErrorBodySchema } from '@echo-ridge/contract';
import * as v from 'valibot';

type ErrorDetail = v.InferOutput<typeof ErrorBodySchema>['error'];

/** The API answered with an error: its status, and the code, message and issues of the error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ErrorDetail['issues'],
    /** The request id to quote when reporting a problem; absent when the body was not the API's. */
    readonly requestId: string | undefined,
  ) {
    super(message);
  }

  /**
   * From an error answer. Anything in front of the API (a proxy, a load balancer) may answer without
   * the API's error body; such an answer keeps its status and the start of its text.
   */
  static fromAnswer(status: number, text: string): ApiError {
    const body = v.safeParse(ErrorBodySchema, parseJson(text));
    if (body.success) {
      const { error, request_id } = body.output;
      return new ApiError(status, error.code, error.message, error.issues, request_id);
    }
    return new ApiError(status, `HTTP_${status}`, `HTTP ${status}: ${text.slice(0, 200)}`, undefined, undefined);
  }
}

/** No answer came within the timeout. Not retried: the API may have scored and stored the request. */
export class ApiTimeoutError extends Error {
  override readonly name = 'ApiTimeoutError';
  constructor(method: string, path: string, timeoutMs: number) {
    super(`${method} ${path} got no answer within ${timeoutMs} ms`);
  }
}

/** The request could not be sent or its answer not read (refused, reset, unknown host); not retried either. */
export class ApiConnectionError extends Error {
  override readonly name = 'ApiConnectionError';
  constructor(method: string, url: URL, cause: unknown) {
    super(`${method} ${url.origin}${url.pathname} failed: ${networkReason(cause)}`, { cause });
  }
}

/** fetch reports every network failure as "fetch failed" and keeps the reason (ECONNREFUSED …) in `cause`. */
function networkReason(error: unknown): string {
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return reason instanceof Error ? reason.message : String(reason);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
