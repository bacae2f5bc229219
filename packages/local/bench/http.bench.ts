/**
 * POST /score over HTTP against `pnpm start`'s runtime (started here as a child process on a free
 * port, logs to .bench/local-runtime.log), driven by autocannon at fixed rates. The load generator,
 * the runtime and DynamoDB Local share this machine's cores.
 */
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadApiKeys } from '../src/api-keys.js';
import { freePort } from '../src/free-port.js';
import { DEFAULT_KEYS_FILE } from '../src/runtime.js';
import { company } from '../test/support/company-record.js';
import { summarize } from './percentiles.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WARMUP = { rate: 50, seconds: 5 };
const STEPS = [100, 200].map((rate) => ({ rate, seconds: 20 }));

/**
 * Starts the runtime with its output going straight to a file: a pipe to this process, busy running
 * the load generator, would fill and block the runtime's logging. The key is the one `pnpm start`
 * keeps in .local/api-keys.json.
 */
async function startService(port: number) {
  await mkdir(`${REPO}.bench`, { recursive: true });
  const log = await open(`${REPO}.bench/local-runtime.log`, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/start.ts', '--port', String(port)], { cwd: REPO, stdio: ['ignore', log.fd, log.fd] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
    if (!running) throw new Error(`pnpm start's runtime exited before it was ready: see ${REPO}.bench/local-runtime.log`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { keys } = await loadApiKeys(`${REPO}${DEFAULT_KEYS_FILE}`);
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
    await log.close();
  };
  return { url, key: keys[0]!.value, stop };
}

async function load(url: string, key: string, rate: number, seconds: number) {
  let sent = 0;
  const latencies: number[] = [];
  const options: autocannon.Options = {
    url,
    connections: 20,
    overallRate: rate,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/score',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(company(`http-bench-${(sent += 1)}`)) }),
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: Error | null, finished) => (error ? reject(error) : resolve(finished)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return { result, latencies };
}

const service = await startService(await freePort());
try {
  const { url } = service;
  await load(url, service.key, WARMUP.rate, WARMUP.seconds);
  console.log(`POST /score over HTTP: autocannon -> local API Gateway -> handler -> DynamoDB Local, all on this machine (after ${WARMUP.seconds} s warm-up at ${WARMUP.rate} req/s)`);
  for (const { rate, seconds } of STEPS) {
    const { result, latencies } = await load(url, service.key, rate, seconds);
    const achieved = (result.requests.total / result.duration).toFixed(0);
    console.log(`  ${rate} req/s for ${seconds} s: ${summarize(latencies)}`);
    console.log(`    achieved ${achieved} req/s, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; p99 corrected for coordinated omission ${result.latency.p99} ms`);
  }
} finally {
  await service.stop();
}
