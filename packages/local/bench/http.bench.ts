/**
 * POST /score over HTTP against `pnpm start`'s runtime (started here as a child process on a free
 * port, logs to .bench/local-runtime.log), at fixed rates with an open-loop generator (paced-load.ts),
 * and the floor under it: the same DynamoDB writes the handler makes (store.saveScore and the
 * reservoir sample, through @echo-ridge/store), sent straight to the runtime's DynamoDB Local at the
 * same rate. The runtime runs with hop-trace.ts preloaded, so every request is also timed at each hop:
 * between the client and the gateway (both ways), from the gateway to the handler's first log line
 * (sandbox included), to its first DynamoDB call, the DynamoDB calls, and back out of the gateway. The load generator, the runtime and DynamoDB Local share
 * this machine's cores, and so does anything else running: each step also reports the load average
 * and the CPU time per request, which does not depend on what else the machine is doing.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createScorer } from '@echo-ridge/engine';
import { createDocumentClient, createSampler, createStore, DEV_TENANT } from '@echo-ridge/store';
import { loadApiKeys } from '../src/api-keys.js';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { freePort } from '../src/free-port.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { DEFAULT_KEYS_FILE, DEFAULT_TABLE_NAME } from '../src/runtime.js';
import { childPids, cpuTimeMs } from './cpu-time.js';
import { paced, percentile, type Timed } from './paced-load.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TRACE_FILE = `${REPO}.bench/hop-trace.jsonl`;
const WARMUP = { rate: 50, seconds: 5 };
const STEPS = [100, 200].map((rate) => ({ rate, seconds: 20 }));

/**
 * Starts the runtime with its output going straight to a file: a pipe to this process, busy running
 * the load generator, would fill and block the runtime's logging. The key is the one `pnpm start`
 * keeps in .local/api-keys.json, the DynamoDB Local endpoint the one it writes in .local/runtime.json.
 */
async function startService(port: number) {
  await mkdir(`${REPO}.bench`, { recursive: true });
  await rm(TRACE_FILE, { force: true });
  const log = await open(`${REPO}.bench/local-runtime.log`, 'w');
  const tracer = fileURLToPath(new URL('./hop-trace.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', tracer, 'packages/local/src/start.ts', '--port', String(port)], {
    cwd: REPO,
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, HOP_TRACE_FILE: TRACE_FILE },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
    if (!running) throw new Error(`pnpm start's runtime exited before it was ready: see ${REPO}.bench/local-runtime.log`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { keys } = await loadApiKeys(`${REPO}${DEFAULT_KEYS_FILE}`);
  const { dynamodb_endpoint: dynamoDbEndpoint } = JSON.parse(await readFile(`${REPO}.local/runtime.json`, 'utf8')) as { dynamodb_endpoint: string };
  const children = await childPids(child.pid!);
  const isJava = async (pid: number) => (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'java';
  const javaPid = (await Promise.all(children.map(async (pid) => ((await isJava(pid)) ? pid : undefined)))).find((pid) => pid !== undefined);
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
    await log.close();
  };
  return { url, key: keys[0]!.value, dynamoDbEndpoint, pids: { runtime: child.pid!, dynamoDb: javaPid }, stop };
}

/**
 * Keep-alive connections, as many as the load needs, so the client never queues a request; a new
 * set for each step, since the gateway closes connections idle for 5 s, as Node's server does.
 */
function postScore(agent: Agent, url: string, key: string, id: string): Promise<void> {
  const body = JSON.stringify(company(id));
  const headers = { 'x-api-key': key, 'x-bench-request': id, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const sent = request(`${url}/score`, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`POST /score answered ${response.statusCode}`))));
    });
    sent.once('error', reject);
    sent.end(body);
  });
}

interface HopTrace {
  id?: string;
  path: string;
  in: number;
  log?: number;
  calls: { to: string; sent: number; done?: number }[];
  out: number;
  logMs: number;
  status: number;
}
interface LoopDelay {
  eventLoop: number;
  p99: number;
  max: number;
}

async function readTrace(from: number, to: number) {
  const lines = (await readFile(TRACE_FILE, 'utf8')).split('\n').filter(Boolean);
  const records = lines.map((line) => JSON.parse(line) as HopTrace | LoopDelay);
  const requests = records.filter((r): r is HopTrace => 'path' in r && r.path === 'POST /score' && r.in >= from && r.in <= to);
  const loop = records.filter((r): r is LoopDelay => 'eventLoop' in r && r.eventLoop >= from && r.eventLoop <= to + 1000);
  return { requests, loop };
}

/** The DynamoDB operations of POST /score: the score, the scored counter, the reservoir sample. */
const WRITES = /\.(PutItem|UpdateItem|BatchWriteItem)$/;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1).padStart(6) : '   n/a');
const p50p99 = (values: number[]) => `${ms(percentile(values, 0.5))} ${ms(percentile(values, 0.99))}`;

/** The client's timings and the runtime's trace of the same requests, matched by the request's number. */
function hops(client: Map<string, Timed>, traced: HopTrace[]) {
  const rows = traced.flatMap((trace) => {
    const timed = trace.id === undefined ? undefined : client.get(trace.id);
    if (timed === undefined) return [];
    // The writes an answered request waited for: not a context refresh it may have started in the
    // background, nor an attempt the SDK gave up on and retried, whose answer can come after the response.
    const calls = trace.calls.filter((call) => call.done !== undefined && call.done <= trace.out && WRITES.test(call.to)) as { sent: number; done: number }[];
    if (trace.status !== 200 || calls.length === 0) return [];
    const firstCall = Math.min(...calls.map((call) => call.sent));
    const lastDone = Math.max(...calls.map((call) => call.done));
    return [{
      // The two processes' clocks may disagree by a few ms, so only the round trip between them is exact.
      wire: timed.done - timed.sent - (trace.out - trace.in),
      toHandler: (trace.log ?? trace.in) - trace.in,
      toDynamoDb: firstCall - (trace.log ?? trace.in),
      dynamoDb: lastDone - firstCall,
      toResponse: trace.out - lastDone,
      logging: trace.logMs,
    }];
  });
  const column = (name: keyof (typeof rows)[number]) => p50p99(rows.map((row) => row[name]));
  return { column, count: rows.length };
}

const service = await startService(await freePort());
try {
  const { url, key } = service;
  const table = { client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: service.dynamoDbEndpoint }), tableName: DEFAULT_TABLE_NAME, now: () => new Date() };
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  const store = createStore({ ...table, retentionDays: 1 }).tenant(DEV_TENANT);
  const sampler = createSampler(table, 1);
  const scorer = createScorer();
  /** What POST /score asks of DynamoDB: the score and the scored counter, and the reservoir sample, at once. */
  const floorCall = async (id: string) => {
    const input = company(id);
    await Promise.all([store.saveScore(scorer.score(input)), sampler.keep([input])]);
  };

  const load = async (rate: number, seconds: number, id: (i: number) => string) => {
    const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
    try {
      return await paced(rate, seconds, (i) => postScore(agent, url, key, id(i)));
    } finally {
      agent.destroy();
    }
  };
  await load(WARMUP.rate, WARMUP.seconds, (i) => `http-warm-${i}`);
  await paced(WARMUP.rate, WARMUP.seconds, (i) => floorCall(`floor-warm-${i}`));
  console.log(`POST /score over HTTP: client -> local API Gateway -> sandbox -> handler -> DynamoDB Local, all on this machine (${cpus().length} cores, after ${WARMUP.seconds} s warm-up at ${WARMUP.rate} req/s)`);
  console.log('open-loop load (each request due at its time, latency counted from then); ms, p50 and p99');
  console.log('  rate      end to end |  floor: DynamoDB Local alone | hops: client<->gateway  to handler  handler->DB  DynamoDB calls  DB->response | log writes | event loop p99/max');
  const sampleCpu = () => Promise.all([cpuTimeMs(service.pids.runtime), cpuTimeMs(service.pids.dynamoDb)]);
  const perRequest = (before: number | undefined, after: number | undefined, requests: number) => (before === undefined || after === undefined ? 'n/a' : `${((after - before) / requests).toFixed(2)} ms`);
  for (const { rate, seconds } of STEPS) {
    const floor = await paced(rate, seconds, (i) => floorCall(`floor-${rate}-${i}`));
    const before = await sampleCpu();
    const timed = await load(rate, seconds, (i) => `http-${rate}-${i}`);
    const byId = new Map(timed.map((t, i) => [`http-${rate}-${i}`, t]));
    const after = await sampleCpu();
    const from = Math.min(...timed.map((t) => t.sent)) - 1;
    const to = Math.max(...timed.map((t) => t.done));
    const { requests, loop } = await readTrace(from, to);
    const { column, count } = hops(byId, requests);
    const latency = timed.map((t) => t.done - t.due);
    const failed = (runs: Timed[]) => runs.filter((t) => t.error !== undefined).length;
    console.log(
      `  ${String(rate).padStart(3)}/s  ${p50p99(latency)} | ${p50p99(floor.map((t) => t.done - t.due))}                 | ${column('wire')}        ${column('toHandler')} ${column('toDynamoDb')} ${column('dynamoDb')}   ${column('toResponse')} | ${column('logging')} | ${ms(percentile(loop.map((l) => l.p99), 0.5))} ${ms(Math.max(...loop.map((l) => l.max)))}`,
    );
    console.log(
      `        ${timed.length} requests (${count} traced, ${failed(timed)} failed; floor: ${failed(floor)} failed); CPU per request: runtime ${perRequest(before[0], after[0], timed.length)}, DynamoDB Local ${perRequest(before[1], after[1], timed.length)}; load average ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  console.log('  targets: end to end p99 <= 25 ms at 100 req/s, <= 40 ms at 200 req/s; the floor is what DynamoDB Local alone takes for the same writes');
} finally {
  await service.stop();
}
