/**
 * An open-loop load generator: request i is due at start + i / rate whatever happened to the ones
 * before, as independent clients behave, and its latency counts from when it was due, so a stall
 * anywhere shows up in full (no coordinated omission). autocannon's `overallRate`, which this
 * replaces, lets each connection send its share of a second back to back at the top of the second:
 * at "100 req/s" it measured bursts of 20 concurrent requests.
 */
export interface Timed {
  /** Wall-clock ms (performance.timeOrigin + performance.now()) when the call was due, sent, and answered. */
  due: number;
  sent: number;
  done: number;
  /** The call's failure, if it failed: an overloaded machine times calls out, and that is a figure too. */
  error?: string;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `call(i)` at `rate` per second for `seconds`, and waits for every answer or failure. */
export async function paced(rate: number, seconds: number, call: (i: number) => Promise<void>): Promise<Timed[]> {
  const count = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = now() + 10;
  const timings: Promise<Timed>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const sent = now();
    timings.push(
      call(i).then(
        () => ({ due, sent, done: now() }),
        (error: unknown) => ({ due, sent, done: now(), error: (error as Error).message }),
      ),
    );
  }
  return Promise.all(timings);
}

/** Nearest-rank percentile of numbers. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
