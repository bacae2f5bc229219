import type { ValidationIssue } from '@echo-ridge/engine';

/**
 * An answer the API gives on purpose: status, stable code, a message saying what to fix, and for
 * validation failures every offending field.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const malformedJson = (message: string) => new HttpError(400, 'MALFORMED_JSON', message);

export const invalidParameters = (issues: ValidationIssue[]) =>
  new HttpError(400, 'INVALID_PARAMETER', 'The query string is invalid: fix the parameters listed in issues.', issues);

export const forbidden = () => new HttpError(403, 'FORBIDDEN', 'Missing or unknown API key: send a valid key in the x-api-key header.');

export const notFound = (message: string) => new HttpError(404, 'NOT_FOUND', message);

export const methodNotAllowed = (method: string, path: string, allow: readonly string[]) =>
  new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}: use ${allow.join(' or ')}.`, undefined, { allow: allow.join(', ') });

export const payloadTooLarge = (limitBytes: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes: send fewer companies per request.`);

export const unsupportedMediaType = (contentType: string | undefined) =>
  new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `The request body must be JSON, sent with content-type: application/json (got ${contentType === undefined ? 'no content-type' : JSON.stringify(contentType)}).`,
  );

/** A name of `POST /batches` held by a batch that has not ended; `issues` says by which and what to do. */
export const batchNameInUse = (name: string, why: string, retryAfterSeconds?: number) =>
  new HttpError(409, 'BATCH_NAME_IN_USE', `The name ${JSON.stringify(name)} belongs to a batch that has not ended: see issues.`, [{ path: 'name', message: why }], retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) });

export const unprocessable = (message: string, issues: ValidationIssue[]) => new HttpError(422, 'VALIDATION_FAILED', message, issues);

export const serviceUnavailable = () =>
  new HttpError(503, 'SERVICE_UNAVAILABLE', 'The score store is not answering right now: retry in a moment.', undefined, { 'retry-after': '1' });

export const internalError = () =>
  new HttpError(500, 'INTERNAL_ERROR', 'Something went wrong on our side. It has been logged; quote the request_id if you report it.');
