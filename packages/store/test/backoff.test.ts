import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from '../src/backoff.js';

const policy = { baseMs: 50, capMs: 1_000 };

describe('backoffDelay', () => {
  it('draws below a ceiling that doubles with each retry', () => {
    const justBelowOne = () => 0.999_999;
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, justBelowOne))).toEqual([49, 99, 199, 399]);
  });

  it('never exceeds the cap, however many retries', () => {
    expect(backoffDelay(30, policy, () => 0.999_999)).toBe(999);
  });

  it('spreads retries down to no wait at all (full jitter)', () => {
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(100);
  });
});
