/**
 * CLI end to end: companies/min and peak RSS of `echo-ridge score` on a generated 1,000,000-line file,
 * with one worker thread and with two (targets with two on a 2-core machine: ≥ 3,000,000 companies/min,
 * peak RSS < 400 MB), and a check that both runs wrote the same bytes (--deterministic). Lines are the
 * golden cohort with fresh ids, with one malformed line in a thousand so the error path is exercised
 * too. Other processes on the machine take cores from the run: the load average is printed with it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/echo-ridge.js', import.meta.url));
const COHORT = fileURLToPath(new URL('../../../examples/companies.jsonl', import.meta.url));

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

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function run(input: string, output: string, workers: number): Promise<{ seconds: number; peakMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'score', input, '-o', output, '--deterministic', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'ignore'] });
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssKb(child.pid!))), 50);
  const [code] = (await once(child, 'close')) as [number];
  clearInterval(timer);
  if (code !== 0) throw new Error(`echo-ridge score exited ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMb: peak / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-bench-'));
const LINES = 1_000_000;
try {
  const input = join(dir, 'in.jsonl');
  await generate(input, LINES);
  console.log(`echo-ridge score --deterministic on ${LINES.toLocaleString('en-US')} lines (process start included), ${cpus().length} cores`);
  const digests = new Set<string>();
  for (const workers of [1, 2]) {
    const output = join(dir, `out-${workers}.jsonl`);
    const { seconds, peakMb } = await run(input, output, workers);
    digests.add(`${await sha256(output)} ${await sha256(join(dir, `out-${workers}.errors.jsonl`))}`);
    rmSync(output);
    const rate = Math.round((LINES / seconds) * 60).toLocaleString('en-US');
    console.log(`  --workers ${workers}: ${seconds.toFixed(1)} s → ${rate} companies/min, peak RSS ${peakMb.toFixed(0)} MB; load average ${loadavg()[0]!.toFixed(1)}`);
  }
  console.log(`  outputs of both runs ${digests.size === 1 ? 'identical, byte for byte' : 'DIFFER'}`);
  console.log('  targets with 2 workers on 2 cores: ≥ 3,000,000 companies/min; peak RSS < 400 MB');
  if (digests.size !== 1) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
