/**
 * POST /score over HTTP against `pnpm start`'s runtime (started here as a child process on a free
 * port, logs to .bench/local-runtime.log), driven by autocannon at fixed rates. The load generator,
 * the runtime and DynamoDB Local share this machine's cores.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../src/free-port.js';
import { company } from '../test/support/company-record.js';
import { summarize } from './percentiles.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WARMUP = { rate: 50, seconds: 5 };
const STEPS = [100, 200].map((rate) => ({ rate, seconds: 20 }));

async function startService(port: number) {
  await mkdir(`${REPO}.bench`, { recursive: true });
  const log = createWriteStream(`${REPO}.bench/local-runtime.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/start.ts', '--port', String(port)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const key = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      const match = /^\s+API key\s+(\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`pnpm start's runtime exited before it was ready: see ${REPO}.bench/local-runtime.log`)));
  });
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
    log.end();
  };
  return { key, stop };
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

const port = await freePort();
const service = await startService(port);
try {
  const url = `http://127.0.0.1:${port}`;
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
