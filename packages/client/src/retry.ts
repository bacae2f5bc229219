/** How the client retries answers that say "later": 409 (the same idempotent write still running), 429 (throttled) and 503 (unavailable). */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 never retries. */
  maxRetries: number;
  /** The backoff before the first retry; it doubles with each further retry. */
  baseDelayMs: number;
  /** The longest wait: a backoff is capped at it, and a Retry-After beyond it ends the retries. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 200, maxDelayMs: 20_000 };

/** Only these mean the request was not handled and may be sent again; any other 4xx is the caller's to fix. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([409, 429, 503]);

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (0 for the first), or undefined to give up. Without Retry-After:
 * "full jitter" exponential backoff, a uniform draw below min(maxDelayMs, baseDelayMs × 2^retry), so that
 * throttled clients spread out instead of retrying in step. With Retry-After: never sooner than it says,
 * plus a draw below baseDelayMs for the same reason; beyond maxDelayMs (a used-up monthly quota) waiting
 * is pointless and the caller gets the error.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  if (retryAfterMs === undefined) return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  if (retryAfterMs > policy.maxDelayMs) return undefined;
  return retryAfterMs + random() * policy.baseDelayMs;
}
