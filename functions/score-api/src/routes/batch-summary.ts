/** Counts of a batch as both batch routes report them; total = successful + failed. */
export function batchSummary(total: number, successful: number) {
  return {
    total,
    successful,
    failed: total - successful,
    success_rate: total === 0 ? 0 : Math.round((successful / total) * 10_000) / 10_000,
  };
}
