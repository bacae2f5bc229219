import type { BatchRun, Lease } from '@echo-ridge/store';

/**
 * A lease lasts as long as the invocation can: Lambda ends a function at its deadline, so once the
 * deadline and this margin (for clocks) have passed, the holder is certainly dead and another
 * invocation may take the chunk over. No heartbeat is needed.
 */
export const LEASE_MARGIN_MS = 5_000;

export function leaseFor(owner: string, deadlineMs: number): Lease {
  return { owner, until: deadlineMs + LEASE_MARGIN_MS };
}

/**
 * How long after an invocation of a function with this timeout started its leases have certainly
 * lapsed: when its message, failed or killed, may come back and take its chunk over.
 */
export const leasesLapsedAfterMs = (timeoutMs: number): number => timeoutMs + LEASE_MARGIN_MS;

/**
 * What to do about a chunk whose claim was refused:
 * - `done`: it is finished, or the batch is closed;
 * - `retry`: this very message holds a live lease: an earlier delivery of it may still be running, or
 *   died moments ago; the message must come back once the lease has run out;
 * - `leave`: another message's invocation holds it and will finish it, or its own message will come
 *   back to take it over: this (duplicate) message can go.
 */
export function refusedClaim(run: BatchRun, index: number, owner: string): 'done' | 'retry' | 'leave' {
  if (run.status === 'completed' || run.status === 'failed' || run.finished_chunks.has(index)) return 'done';
  return run.leases[String(index)]?.owner === owner ? 'retry' : 'leave';
}
