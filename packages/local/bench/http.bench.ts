/**
 * POST /score over HTTP against `pnpm start`'s runtime (started here as a child process on a free
 * port, in .bench/runtime/, logs to .bench/local-runtime.log), at fixed rates with an open-loop
 * generator (paced-load.ts), and the floor under it: the same DynamoDB writes the handler makes
 * (store.saveScore and the reservoir sample, through @echo-ridge/store), sent straight to the
 * runtime's DynamoDB Local at the same rate. The runtime runs with hop-trace.ts preloaded, so every
 * request is also timed at each hop: how late the generator sent it, between the client and the
 * gateway (both ways), from the gateway to the handler's first log line (sandbox included), to its
 * first DynamoDB call, the DynamoDB calls, and back out of the gateway; for the slowest 1 % of
 * requests, the mean of each hop says where the p99 goes. The load generator, the runtime and
 * DynamoDB Local share this machine's cores, and so does anything else running: each rate also
 * reports the CPU time per request of each process, how busy the machine was, and the load average.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScorer } from '@echo-ridge/engine';
import { createDocumentClient, createSampler, createStore, DEV_TENANT } from '@echo-ridge/store';
import { loadApiKeys } from '../src/api-keys.js';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { freePort } from '../src/free-port.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { DEFAULT_RUNTIME_FILE } from '../src/runtime-file.js';
import { DEFAULT_KEYS_FILE, DEFAULT_TABLE_NAME } from '../src/runtime.js';
import { childPids, cpuTimeMs, machineCpuTicks } from './cpu-time.js';
import { paced, percentile, type Timed } from './paced-load.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const START = fileURLToPath(new URL('../src/start.ts', import.meta.url));
/** The runtime's working directory: its own keys, runtime file, inbox and outbox, not the ones of a `pnpm start` the user may be running. */
const RUNTIME_DIR = `${REPO}.bench/runtime`;
const TRACE_FILE = `${REPO}.bench/hop-trace.jsonl`;
/** Both rates once, so that DynamoDB Local's JIT and tables are warm before the first figure. */
const WARMUP = [
  { rate: 100, seconds: 10 },
  { rate: 200, seconds: 5 },
];
const RATES = [100, 200];
/**
 * Each rate is measured in rounds, the floor and the service in turns, so that a stall of the machine
 * or the JVM lands in both rather than in whichever happened to run then; the figures pool the rounds.
 */
const ROUNDS = 3;
const ROUND_SECONDS = 10;

/**
 * Starts the runtime in a directory of its own with its output going straight to a file: a pipe to
 * this process, busy running the load generator, would fill and block the runtime's logging. The key
 * is the one the runtime created in that directory's .local/api-keys.json, the DynamoDB Local
 * endpoint the one it wrote in its runtime file.
 */
async function startService(port: number) {
  await rm(RUNTIME_DIR, { recursive: true, force: true });
  await mkdir(RUNTIME_DIR, { recursive: true });
  await rm(TRACE_FILE, { force: true });
  const log = await open(`${REPO}.bench/local-runtime.log`, 'w');
  const tracer = fileURLToPath(new URL('./hop-trace.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', tracer, START, '--port', String(port)], {
    cwd: RUNTIME_DIR,
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
  const { keys } = await loadApiKeys(join(RUNTIME_DIR, DEFAULT_KEYS_FILE));
  const { dynamodb_endpoint: dynamoDbEndpoint } = JSON.parse(await readFile(join(RUNTIME_DIR, DEFAULT_RUNTIME_FILE), 'utf8')) as { dynamodb_endpoint: string };
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
  /** The share of the second the runtime's main thread was working. */
  busy: number;
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

/** Where one request's time went, in ms: the client's timings and the runtime's trace of it, matched by the request's number. */
interface Hops {
  latency: number;
  /** The load generator sent the request after it was due: this process did not get the CPU in time. */
  late: number;
  /** Between the client and the gateway's server, both ways: loopback, and each process reading its socket. */
  wire: number;
  toHandler: number;
  toDynamoDb: number;
  /** From the first write sent to the last answer read: DynamoDB Local, and the SDK reading its answers. */
  dynamoDb: number;
  toResponse: number;
  logging: number;
}
const HOPS = ['late', 'wire', 'toHandler', 'toDynamoDb', 'dynamoDb', 'toResponse'] as const;
const HOP_NAMES: Record<(typeof HOPS)[number], string> = {
  late: 'sent late',
  wire: 'client<->gateway',
  toHandler: 'to handler',
  toDynamoDb: 'handler->DB',
  dynamoDb: 'DynamoDB calls',
  toResponse: 'DB->response',
};

function hops(client: Map<string, Timed>, traced: HopTrace[]): Hops[] {
  return traced.flatMap((trace) => {
    const timed = trace.id === undefined ? undefined : client.get(trace.id);
    if (timed === undefined) return [];
    // The writes an answered request waited for: not a context refresh it may have started in the
    // background, nor an attempt the SDK gave up on and retried, whose answer can come after the response.
    const calls = trace.calls.filter((call) => call.done !== undefined && call.done <= trace.out && WRITES.test(call.to)) as { sent: number; done: number }[];
    if (trace.status !== 200 || calls.length === 0) return [];
    const firstCall = Math.min(...calls.map((call) => call.sent));
    const lastDone = Math.max(...calls.map((call) => call.done));
    return [{
      latency: timed.done - timed.due,
      // Timers fire on the event loop's millisecond clock, so a request can go out up to a millisecond early: not late.
      late: Math.max(0, timed.sent - timed.due),
      // The two processes' clocks may disagree by a few ms, so only the round trip between them is exact.
      wire: timed.done - timed.sent - (trace.out - trace.in),
      toHandler: (trace.log ?? trace.in) - trace.in,
      toDynamoDb: firstCall - (trace.log ?? trace.in),
      dynamoDb: lastDone - firstCall,
      toResponse: trace.out - lastDone,
      logging: trace.logMs,
    }];
  });
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** CPU time so far of the runtime, DynamoDB Local, this load generator and the whole machine. */
async function cpuNow(pids: { runtime: number; dynamoDb: number | undefined }) {
  const [runtime, dynamoDb, machine] = await Promise.all([cpuTimeMs(pids.runtime), cpuTimeMs(pids.dynamoDb), machineCpuTicks()]);
  const self = process.cpuUsage();
  return { runtime, dynamoDb, generator: (self.user + self.system) / 1000, machine };
}
type CpuSample = Awaited<ReturnType<typeof cpuNow>>;
const cpuSpent = (before: CpuSample, after: CpuSample) => ({
  runtime: after.runtime !== undefined && before.runtime !== undefined ? after.runtime - before.runtime : Number.NaN,
  dynamoDb: after.dynamoDb !== undefined && before.dynamoDb !== undefined ? after.dynamoDb - before.dynamoDb : Number.NaN,
  generator: after.generator - before.generator,
  busy: after.machine && before.machine ? after.machine.busy - before.machine.busy : Number.NaN,
  total: after.machine && before.machine ? after.machine.total - before.machine.total : Number.NaN,
});

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
  for (const [step, { rate, seconds }] of WARMUP.entries()) {
    await load(rate, seconds, (i) => `http-warm-${step}-${i}`);
    await paced(rate, seconds, (i) => floorCall(`floor-warm-${step}-${i}`));
  }
  const warmup = WARMUP.map(({ rate, seconds }) => `${seconds} s at ${rate}/s`).join(', then ');
  console.log(`POST /score over HTTP: client -> local API Gateway -> sandbox -> handler -> DynamoDB Local, all on this machine (${cpus().length} cores; warm-up ${warmup})`);
  console.log(`open-loop load (each request due at its time, latency counted from then); ${ROUNDS} rounds of ${ROUND_SECONDS} s per rate, the floor and the service in turns; ms, p50 and p99`);
  console.log(`  rate      end to end |  floor: DynamoDB Local alone | hops: ${HOPS.map((hop) => HOP_NAMES[hop]).join('  ')} | log writes | event loop p99/max, main thread busy`);
  const spentPerRequest = (ms: number, requests: number) => (Number.isFinite(ms) ? `${(ms / requests).toFixed(2)} ms` : 'n/a');
  for (const rate of RATES) {
    const timed: Timed[] = [];
    const floor: Timed[] = [];
    const rows: Hops[] = [];
    const loop: LoopDelay[] = [];
    const roundP99s: { service: number; floor: number }[] = [];
    const cpu = { runtime: 0, dynamoDb: 0, generator: 0, busy: 0, total: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const floorRound = await paced(rate, ROUND_SECONDS, (i) => floorCall(`floor-${rate}-${round}-${i}`));
      const before = await cpuNow(service.pids);
      const id = (i: number) => `http-${rate}-${round}-${i}`;
      const serviceRound = await load(rate, ROUND_SECONDS, id);
      const spent = cpuSpent(before, await cpuNow(service.pids));
      for (const name of Object.keys(cpu) as (keyof typeof cpu)[]) cpu[name] += spent[name];
      const from = Math.min(...serviceRound.map((t) => t.sent)) - 1;
      const to = Math.max(...serviceRound.map((t) => t.done));
      const trace = await readTrace(from, to);
      rows.push(...hops(new Map(serviceRound.map((t, i) => [id(i), t])), trace.requests));
      loop.push(...trace.loop);
      timed.push(...serviceRound);
      floor.push(...floorRound);
      const p99 = (runs: Timed[]) => percentile(runs.map((t) => t.done - t.due), 0.99);
      roundP99s.push({ service: p99(serviceRound), floor: p99(floorRound) });
    }
    const latency = timed.map((t) => t.done - t.due);
    const column = (name: keyof Hops) => p50p99(rows.map((row) => row[name]));
    const failed = (runs: Timed[]) => runs.filter((t) => t.error !== undefined).length;
    console.log(
      `  ${String(rate).padStart(3)}/s  ${p50p99(latency)} | ${p50p99(floor.map((t) => t.done - t.due))}                 | ${HOPS.map((hop) => column(hop)).join('  ')} | ${column('logging')} | ${ms(percentile(loop.map((l) => l.p99), 0.5))} ${ms(Math.max(...loop.map((l) => l.max)))} ${(100 * mean(loop.map((l) => l.busy))).toFixed(0)} %`,
    );
    const perRound = (name: 'service' | 'floor') => roundP99s.map((round) => round[name].toFixed(1)).join(' / ');
    console.log(
      `        ${timed.length} requests (${rows.length} traced, ${failed(timed)} failed; floor: ${failed(floor)} failed); p99 of each round: end to end ${perRound('service')}, floor ${perRound('floor')}`,
    );
    console.log(
      `        CPU per request: runtime ${spentPerRequest(cpu.runtime, timed.length)}, DynamoDB Local ${spentPerRequest(cpu.dynamoDb, timed.length)}, load generator ${spentPerRequest(cpu.generator, timed.length)}; the machine ${((100 * cpu.busy) / cpu.total).toFixed(0)} % busy (all cores) while the service ran; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    // The requests that make the p99: where their time went. Ours is the runtime's own hops; the
    // rest is DynamoDB Local's answer and the processes waiting for a core.
    const p99 = percentile(latency, 0.99);
    const slowest = rows.filter((row) => row.latency >= p99);
    if (slowest.length > 0) {
      const share = (name: keyof Hops) => mean(slowest.map((row) => row[name]));
      const ours = share('toHandler') + share('toDynamoDb') + share('toResponse');
      console.log(
        `        the slowest 1 % (${slowest.length} requests of ${p99.toFixed(1)} ms and over), mean ms per hop: ${HOPS.map((hop) => `${HOP_NAMES[hop]} ${share(hop).toFixed(1)}`).join(', ')}; the runtime's own hops ${ours.toFixed(1)} of ${share('latency').toFixed(1)}`,
      );
    }
  }
  console.log('  targets: end to end p99 <= 25 ms at 100 req/s, <= 40 ms at 200 req/s; the floor is what DynamoDB Local alone takes for the same writes');
} finally {
  await service.stop();
}
