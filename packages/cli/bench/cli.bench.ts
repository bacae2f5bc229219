/**
 * CLI end to end: companies/min and peak RSS of `echo-ridge score` on a generated 1,000,000-line file,
 * with one worker thread and with two (targets with two on a 2-core machine: ≥ 3,000,000 companies/min,
 * peak RSS < 400 MB), and a check that both runs wrote the same bytes (--deterministic). Lines are the
 * golden cohort with fresh ids, with one malformed line in a thousand so the error path is exercised
 * too. Other processes on the machine take cores from the run: the load average is printed with it,
 * and so is the CPU time the run's threads used (read from /proc, which a shared machine does not
 * inflate the way it stretches wall time), how long they waited for a core, and the rate the CPU time
 * alone allows on idle cores.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/echo-ridge.js', import.meta.url));
const COHORT = fileURLToPath(new URL('../../../examples/companies.jsonl', import.meta.url));
const LINES = 1_000_000;

async function generate(path: string, lines: number): Promise<void> {
  const cohort = readFileSync(COHORT, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { company_id: string });
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < lines; i++) {
    chunk += i % 1000 === 999 ? '{"company_id": "broken",\n' : `${JSON.stringify({ ...cohort[i % cohort.length]!, company_id: `bench-${i}` })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Peak resident memory from /proc (VmHWM is the high-water mark, so sampling misses no peak but the last few ms). */
function peakRssKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

interface ThreadTimes {
  /** Seconds on a core. */
  cpu: number;
  /** Seconds ready to run but waiting for a core (other processes had them). */
  waited: number;
}

/** Every thread's times from /proc/<pid>/task/<tid>/schedstat (nanoseconds on a core, then waiting). */
function threadTimes(pid: number, into: Map<number, ThreadTimes>): void {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [cpu = 0, waited = 0] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      into.set(Number(tid), { cpu: cpu / 1e9, waited: waited / 1e9 });
    }
  } catch {
    // The process ended between two reads: the last sample stands.
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface Run {
  seconds: number;
  peakMb: number;
  /** CPU seconds of the main thread, of the busiest other thread (a worker), and of all threads. */
  mainCpu: number;
  busiestCpu: number;
  totalCpu: number;
  waited: number;
}

async function run(input: string, output: string, workers: number): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'score', input, '-o', output, '--deterministic', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const pid = child.pid!;
  let peak = 0;
  const threads = new Map<number, ThreadTimes>();
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRssKb(pid));
    threadTimes(pid, threads);
  }, 50);
  const [code] = (await once(child, 'close')) as [number];
  clearInterval(timer);
  if (code !== 0) throw new Error(`echo-ridge score exited ${code}`);
  const others = [...threads].filter(([tid]) => tid !== pid).map(([, times]) => times.cpu);
  const all = [...threads.values()];
  return {
    seconds: (performance.now() - started) / 1000,
    peakMb: peak / 1024,
    mainCpu: threads.get(pid)?.cpu ?? 0,
    busiestCpu: Math.max(0, ...others),
    totalCpu: all.reduce((sum, times) => sum + times.cpu, 0),
    waited: all.reduce((sum, times) => sum + times.waited, 0),
  };
}

const perMinute = (seconds: number) => Math.round((LINES / seconds) * 60).toLocaleString('en-US');
const microsPerLine = (seconds: number) => ((seconds / LINES) * 1e6).toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-bench-'));
try {
  const input = join(dir, 'in.jsonl');
  await generate(input, LINES);
  console.log(`echo-ridge score --deterministic on ${LINES.toLocaleString('en-US')} lines (process start included), ${cpus().length} cores`);
  const digests = new Set<string>();
  for (const workers of [1, 2]) {
    const output = join(dir, `out-${workers}.jsonl`);
    const load = loadavg()[0]!;
    const times = await run(input, output, workers);
    digests.add(`${await sha256(output)} ${await sha256(join(dir, `out-${workers}.errors.jsonl`))}`);
    rmSync(output);
    // On idle cores the run takes at least its CPU time spread over the cores it can use, and at least its busiest thread's.
    const cores = Math.min(cpus().length, workers + 1);
    const idleSeconds = Math.max(times.totalCpu / cores, times.busiestCpu, times.mainCpu);
    console.log(
      `  --workers ${workers}: ${times.seconds.toFixed(1)} s → ${perMinute(times.seconds)} companies/min, peak RSS ${times.peakMb.toFixed(0)} MB; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `      CPU ${microsPerLine(times.totalCpu)} µs/line in all (main thread ${microsPerLine(times.mainCpu)}, busiest worker ${microsPerLine(times.busiestCpu)}); threads waited ${times.waited.toFixed(1)} s for a core; CPU time alone allows ${perMinute(idleSeconds)} companies/min on idle cores`,
    );
  }
  console.log(`  outputs of both runs ${digests.size === 1 ? 'identical, byte for byte' : 'DIFFER'}`);
  console.log('  targets with 2 workers on 2 cores: ≥ 3,000,000 companies/min; peak RSS < 400 MB');
  if (digests.size !== 1) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
