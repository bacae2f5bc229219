import { describe, expect, it } from '@jest/globals';
import type { BatchRun } from '@echo-ridge/store';
import { LEASE_MARGIN_MS, leaseFor, leasesLapsedAfterMs, refusedClaim } from '../src/lease.js';

const run = (changes: Partial<BatchRun>): BatchRun => ({
  batch_id: 'b',
  status: 'running',
  total: 0,
  successful: 0,
  failed: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  completed_at: null,
  tenant: 'dev',
  source: { bucket: 'data', key: 'incoming/dev/a.jsonl', etag: 'e', size: 10 },
  results_key: 'results/b.jsonl',
  errors_key: 'errors/b.jsonl',
  context_version: 'ctx',
  started_at: null,
  companies_per_minute: null,
  failure_reason: null,
  chunk_count: 2,
  chunks_done: 0,
  chunks: [],
  finished_chunks: new Set(),
  leases: {},
  ...changes,
});

describe('leaseFor', () => {
  it('lasts until the invocation deadline plus the clock margin', () => {
    expect(leaseFor('m1', 1_000)).toEqual({ owner: 'm1', until: 1_000 + LEASE_MARGIN_MS });
  });

  it('has lapsed, for an invocation that started at 0, once the time leasesLapsedAfterMs gives has passed', () => {
    const timeoutMs = 300_000;
    const startedAt = 0;
    expect(leaseFor('m1', startedAt + timeoutMs).until).toBe(startedAt + leasesLapsedAfterMs(timeoutMs));
  });
});

describe('refusedClaim', () => {
  it('is done for a finished chunk or a closed batch', () => {
    expect(refusedClaim(run({ finished_chunks: new Set([1]) }), 1, 'm1')).toBe('done');
    expect(refusedClaim(run({ status: 'completed' }), 0, 'm1')).toBe('done');
    expect(refusedClaim(run({ status: 'failed' }), 0, 'm1')).toBe('done');
  });

  it('retries when this message still holds the lease, and leaves a chunk another message holds', () => {
    const leased = run({ leases: { '1': { owner: 'm1', until: 5 } } });
    expect(refusedClaim(leased, 1, 'm1')).toBe('retry');
    expect(refusedClaim(leased, 1, 'm2')).toBe('leave');
  });
});
