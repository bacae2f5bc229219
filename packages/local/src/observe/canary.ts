import type { MetricCollector } from './metric-collector.js';

/** The local canary's name in its metrics; the dashboard maps it to the stack's canary (stack-view.ts). */
export const LOCAL_CANARY_NAME = 'echo-ridge-healthz';

/**
 * One run of the stack's `/healthz` canary against the local API: it passes on a 2xx, as its script
 * does, and reports CloudWatchSynthetics' SuccessPercent (100 or 0) and Duration, as a run does.
 */
export async function runCanary(collector: MetricCollector, apiUrl: string): Promise<boolean> {
  const started = performance.now();
  let passed: boolean;
  try {
    const response = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    passed = response.status >= 200 && response.status <= 299;
  } catch {
    passed = false;
  }
  const dimensions = { CanaryName: LOCAL_CANARY_NAME };
  collector.put('CloudWatchSynthetics', 'SuccessPercent', dimensions, passed ? 100 : 0, 'Percent');
  collector.put('CloudWatchSynthetics', 'Duration', dimensions, performance.now() - started, 'Milliseconds');
  return passed;
}
