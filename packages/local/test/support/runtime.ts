import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKey } from '../../src/api-keys.js';
import { HEALTH_CHECK_TTL_MS } from '@echo-ridge/score-api';
import { startRuntime, type RuntimeOptions } from '../../src/runtime.js';

export type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] }; request_id: string };

/**
 * `pnpm start`'s runtime on free ports with its own keys file, the function's logs and metrics off so
 * that the test report stays readable, and a fetch that sends the first key. `functionEnv` adds to the
 * score function's environment; the context refresh reports into `refreshLog`.
 */
export async function startTestRuntime(keys?: ApiKey[], functionEnv: RuntimeOptions['functionEnv'] = {}) {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const keysFile = join(await mkdtemp(join(tmpdir(), 'echo-ridge-test-')), 'api-keys.json');
  if (keys) await writeFile(keysFile, JSON.stringify({ keys }));
  const gatewayLog: string[] = [];
  const refreshLog: string[] = [];
  const runtime = await startRuntime({
    port: 0,
    keysFile,
    functionEnv: { LOG_LEVEL: 'SILENT', ...functionEnv },
    log: (line) => gatewayLog.push(line),
    contextRefresh: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: (line) => refreshLog.push(line) },
  });
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, headers, ...rest } = init;
    return fetch(`${runtime.url}${path}`, {
      ...rest,
      headers: { 'x-api-key': (keys?.[0] ?? runtime.apiKey).value, ...(json !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
  };
  return { runtime, api, gatewayLog, refreshLog };
}

/**
 * The first /healthz answer with `status` (the function keeps its health answer HEALTH_CHECK_TTL_MS,
 * so a change shows within that time); fails when none came a few seconds after it.
 */
export async function healthOnceItIs(url: string, status: number): Promise<Response> {
  const deadline = Date.now() + HEALTH_CHECK_TTL_MS + 5_000;
  for (;;) {
    const response = await fetch(`${url}/healthz`);
    if (response.status === status || Date.now() > deadline) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
