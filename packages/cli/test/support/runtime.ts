import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRuntime, type Runtime } from '@echo-ridge/local';

/** The sample cohort's records, as JSON values. */
export function exampleRecords<T = Record<string, unknown>>(): T[] {
  return readFileSync(new URL('../../../../examples/companies.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** `pnpm start`'s runtime on free ports, its keys file in `dir`, every function's logs and metrics off so the test report stays readable. */
export function startQuietRuntime(dir: string): Promise<Runtime> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const quiet = { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined };
  return startRuntime({ port: 0, keysFile: join(dir, 'api-keys.json'), ...quiet, batch: quiet, contextRefresh: quiet });
}
