import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from '../src/token-bucket.js';

describe('TokenBucket', () => {
  it('admits a burst, then refuses with the seconds until the next token', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual(Array(3).fill({ admitted: true }));
    expect(bucket.take(0)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate, never above the burst', () => {
    const bucket = new TokenBucket(2, 3, 0);
    for (let i = 0; i < 3; i++) bucket.take(0);
    expect(bucket.take(499)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(bucket.take(1_000)).toEqual({ admitted: true });
    const rested = new TokenBucket(2, 3, 0);
    const admitted = Array.from({ length: 5 }, () => rested.take(60_000)).filter((answer) => answer.admitted);
    expect(admitted).toHaveLength(3);
  });

  it('asks a slow plan to wait as long as its rate needs', () => {
    const bucket = new TokenBucket(0.25, 1, 0);
    bucket.take(0);
    expect(bucket.take(0)).toEqual({ admitted: false, retryAfterSeconds: 4 });
  });
});
