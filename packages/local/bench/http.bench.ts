/**
 * POST /score over HTTP against `pnpm start`'s runtime (started here as a child process on a free
 * port, logs to .bench/local-runtime.log), driven by autocannon at fixed rates. The load generator,
 * the runtime and DynamoDB Local share this machine's cores, and so does anything else running:
 * each step also reports the load average and the CPU time the runtime and DynamoDB Local spent per
 * request, which do not depend on what else the machine is doing.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadApiKeys } from '../src/api-keys.js';
import { freePort } from '../src/free-port.js';
import { DEFAULT_KEYS_FILE } from '../src/runtime.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { childPids, cpuTimeMs } from './cpu-time.js';
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
  const children = await childPids(child.pid!);
  const isJava = async (pid: number) => (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'java';
  const javaPid = (await Promise.all(children.map(async (pid) => ((await isJava(pid)) ? pid : undefined)))).find((pid) => pid !== undefined);
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
    await log.close();
  };
  return { url, key: keys[0]!.value, pids: { runtime: child.pid!, dynamoDb: javaPid }, stop };
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
  const sampleCpu = () => Promise.all([cpuTimeMs(service.pids.runtime), cpuTimeMs(service.pids.dynamoDb)]);
  const perRequest = (before: number | undefined, after: number | undefined, requests: number) =>
    before === undefined || after === undefined ? 'n/a' : `${((after - before) / requests).toFixed(2)} ms`;
  for (const { rate, seconds } of STEPS) {
    const before = await sampleCpu();
    const { result, latencies } = await load(url, service.key, rate, seconds);
    const achieved = (result.requests.total / result.duration).toFixed(0);
    console.log(`  ${rate} req/s for ${seconds} s: ${summarize(latencies)}`);
    console.log(`    achieved ${achieved} req/s, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; p99 corrected for coordinated omission ${result.latency.p99} ms`);
    const after = await sampleCpu();
    const requests = result.requests.total;
    console.log(
      `    CPU per request: runtime ${perRequest(before[0], after[0], requests)}, DynamoDB Local ${perRequest(before[1], after[1], requests)}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    );
  }
} finally {
  await service.stop();
}
