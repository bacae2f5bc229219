/**
 * Every status an error body `{error: {code, message, issues?}, request_id}` comes with, and the codes
 * it carries. API Gateway answers 403, 429 and 502/504 itself (and 413 above its own limit), in the same
 * body format as the handler.
 */
export const ERROR_STATUSES = {
  400: 'The body is empty or not JSON (`MALFORMED_JSON`), a query parameter is invalid (`INVALID_PARAMETER`, each named in `issues`), or the `Idempotency-Key` header is malformed (`INVALID_HEADER`).',
  403: 'The `x-api-key` header is missing or names no key (`FORBIDDEN`).',
  404: 'The company, batch or normalization context is not stored (`NOT_FOUND`).',
  409: 'A request with this `Idempotency-Key` is still running (`IDEMPOTENCY_IN_PROGRESS`): retry after `Retry-After` seconds to get its answer. Or, on `POST /batches`, the `name` belongs to a batch of yours that has not ended (`BATCH_NAME_IN_USE`): `issues` names it and its status; `Retry-After` counts down to the expiry of its upload URL while it awaits its file.',
  413: 'The body is larger than the route accepts (`PAYLOAD_TOO_LARGE`).',
  415: 'The body is not sent as `application/json` (`UNSUPPORTED_MEDIA_TYPE`).',
  422: 'The body breaks the schema (`VALIDATION_FAILED`): `issues` names every offending field; or the `Idempotency-Key` was already used with another query or body (`IDEMPOTENCY_KEY_REUSED`).',
  429: "Too many requests for this key (`THROTTLED`), or its monthly quota is used up (`QUOTA_EXCEEDED`): retry after `Retry-After` seconds when it is given.",
  500: 'Something failed on the service side (`INTERNAL_ERROR`); the details stay in its log: quote the `request_id`.',
  502: 'The function failed to answer (`BAD_GATEWAY`).',
  503: 'The score store is not answering right now (`SERVICE_UNAVAILABLE`): retry after `Retry-After` seconds.',
  504: 'The function did not answer in time (`GATEWAY_TIMEOUT`).',
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUSES;

/** Statuses whose answer says when to try again. */
export const RETRY_AFTER_STATUSES: readonly ErrorStatus[] = [409, 429, 503];
