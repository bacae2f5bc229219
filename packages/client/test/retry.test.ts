import { describe, expect, it } from '@jest/globals';
import { parseRetryAfter, retryDelayMs, type RetryPolicy } from '../src/retry.js';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-09-10T09:00:00Z');

  it('reads delay-seconds and HTTP dates as milliseconds from now', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 10 Sep 2025 09:00:05 GMT', now)).toBe(5_000);
  });

  it('reads a date already past as no wait, and nothing of a missing or unreadable header', () => {
    expect(parseRetryAfter('Wed, 10 Sep 2025 08:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('draws below an exponentially growing, capped ceiling without Retry-After', () => {
    const ceilings = [0, 1, 2, 3].map((retry) => retryDelayMs({ ...policy, maxRetries: 4 }, retry, undefined, () => 0.999_999));
    expect(ceilings.map((delay) => Math.round(delay!))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs({ ...policy, maxRetries: 10 }, 6, undefined, () => 0.5)).toBe(500);
    expect(retryDelayMs(policy, 2, undefined, () => 0)).toBe(0);
  });

  it('never retries sooner than Retry-After says, with jitter on top', () => {
    expect(retryDelayMs(policy, 0, 700, () => 0)).toBe(700);
    expect(retryDelayMs(policy, 0, 700, () => 0.5)).toBe(750);
  });

  it('gives up after maxRetries, and when Retry-After is longer than maxDelayMs', () => {
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBeUndefined();
    expect(retryDelayMs(policy, 0, 1_001, () => 0.5)).toBeUndefined();
  });
});
