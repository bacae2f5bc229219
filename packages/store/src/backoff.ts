/** Bounds of an exponential backoff: the first delay's ceiling and the largest delay ever waited. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random delay
 * below an exponentially growing ceiling. Writers that were throttled together spread out instead
 * of retrying in lockstep. `attempt` counts retries from 0; `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, { baseMs, capMs }: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
