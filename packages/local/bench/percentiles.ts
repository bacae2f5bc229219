/** Nearest-rank percentiles of latencies in milliseconds, formatted for a bench line. */
export function summarize(latencies: readonly number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms (n=${sorted.length})`;
}
