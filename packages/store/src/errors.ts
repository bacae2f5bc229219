/** The table did not answer in time or refused for now; the same call may succeed on a retry. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(operation: string, cause: unknown) {
    super(`DynamoDB is unavailable (${operation})`, { cause });
  }
}

/** A conditional write found the item already there: nothing was overwritten. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** A pagination cursor that this listing did not hand out. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('is not a cursor of this listing: pass the next_cursor of the previous page unchanged');
  }
}

const TRANSIENT_ERROR_NAMES = new Set([
  'InternalServerError',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ThrottlingException',
  'TimeoutError',
]);

/**
 * True for failures that say "not now" rather than "never": throttling, server errors, and calls the
 * service never answered (refused, reset, timed out) — those reach us from the SDK with metadata but
 * without an HTTP status. Read by property, not by class, since errors may come from another realm.
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (TRANSIENT_ERROR_NAMES.has(name ?? '')) return true;
  if ($metadata === undefined) return false;
  return $metadata.httpStatusCode === undefined || $metadata.httpStatusCode >= 500;
}
