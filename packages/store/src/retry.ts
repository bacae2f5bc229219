import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { cancellationCodes } from './cancellation-reasons.js';
import { isTransient, StoreUnavailableError } from './errors.js';

/**
 * The one retry of the store's DynamoDB writes and reads, on top of the SDK's own. The SDK's standard
 * strategy (three attempts on our clients) retries throttling (ProvisionedThroughputExceeded,
 * ThrottlingException, RequestLimitExceeded, TransactionInProgress), 5xx answers and broken
 * connections, but not a write that lost a race with a transaction: TransactionConflictException,
 * and TransactionCanceledException whose reasons are conflicts or throttling. Those two are added here,
 * and throttling and 5xx get more attempts after the SDK's give up, with full-jitter backoff, so that
 * a conflict on the shared counters item or a throttled table slows a batch down instead of failing
 * it. A request that got no answer at all was already retried by the SDK and is not tried again:
 * a table that does not answer should turn into a 503 promptly.
 */

/** Cancellation reasons of a transaction that mean "not now": another writer, or throttling. */
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/**
 * True for a write that collided with a transaction on the same item, or a transaction cancelled only
 * for such reasons (one ConditionalCheckFailed reason makes it a verdict, not a race).
 */
export function isWriteConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { name?: string }).name === 'TransactionConflictException') return true;
  const codes = cancellationCodes(error);
  if (!codes) return false;
  return codes.some((code) => RETRYABLE_CANCELLATIONS.has(code)) && codes.every((code) => code === 'None' || RETRYABLE_CANCELLATIONS.has(code));
}

/** What this helper retries: conflicts, throttling and 5xx answers. */
export function isRetryable(error: unknown): boolean {
  if (isWriteConflict(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(name ?? '') || ($metadata?.httpStatusCode ?? 0) >= 500;
}

export interface RetryPolicy {
  /** Calls in all, counting the first. */
  attempts: number;
  backoff: BackoffPolicy;
  wait?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Which failures are worth another call; isRetryable unless a caller knows more (BatchWriteItem's unprocessed items). */
  retryable?: (error: unknown) => boolean;
}

/** About 1.5 s of waiting at most between six calls, each with the SDK's own retries inside. */
export const TABLE_RETRIES: RetryPolicy = { attempts: 6, backoff: { baseMs: 50, capMs: 2_000 } };

export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy = TABLE_RETRIES): Promise<T> {
  const { attempts, backoff, wait = sleep, random = Math.random, retryable = isRetryable } = policy;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt + 1 >= attempts || !retryable(error)) throw error;
      await wait(backoffDelay(attempt, backoff, random));
    }
  }
}

/**
 * Runs one table operation with the retries above, then turns what is still transient into
 * StoreUnavailableError, so that callers can tell "retry later" (a 503, a message that comes back)
 * from a fault.
 */
export async function tableCall<T>(operation: string, call: () => Promise<T>, policy: RetryPolicy = TABLE_RETRIES): Promise<T> {
  try {
    return await withRetries(call, policy);
  } catch (error) {
    throw isTransient(error) || isWriteConflict(error) ? new StoreUnavailableError(operation, error) : error;
  }
}
