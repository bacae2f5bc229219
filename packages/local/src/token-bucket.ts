/** The answer of a bucket: go ahead, or wait this many seconds (what Retry-After carries). */
export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/**
 * API Gateway's usage-plan throttle: a bucket of `burst` tokens refilled at `rate` per second, one
 * token per request. `now` is in milliseconds and passed in, so the behaviour can be tested exactly.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;

  constructor(rate: number, burst: number, now: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  take(now: number): Admission {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#rate);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { admitted: true };
    }
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate)) };
  }
}
