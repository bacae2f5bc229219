/**
 * CLI end to end: companies/min and peak RSS of `echo-ridge score` on a generated 200,000-line file,
 * and peak RSS on 1,000,000 lines (targets ≥ 1,000,000 companies/min; RSS < 300 MB whatever the size).
 * Lines are the golden cohort with fresh ids, with one malformed line in a thousand so the error path
 * is exercised too.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
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

async function run(input: string, output: string): Promise<{ seconds: number; peakMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'score', input, '-o', output], { stdio: ['ignore', 'ignore', 'inherit'] });
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssKb(child.pid!))), 50);
  const [code] = (await once(child, 'close')) as [number];
  clearInterval(timer);
  if (code !== 0) throw new Error(`echo-ridge score exited ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMb: peak / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-bench-'));
try {
  for (const lines of [200_000, 1_000_000]) {
    const input = join(dir, `in-${lines}.jsonl`);
    await generate(input, lines);
    const { seconds, peakMb } = await run(input, join(dir, `out-${lines}.jsonl`));
    console.log(`cli bench: ${lines.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s → ${Math.round((lines / seconds) * 60).toLocaleString('en-US')} companies/min (process start included), peak RSS ${peakMb.toFixed(0)} MB`);
    rmSync(input);
  }
  console.log('  targets: ≥ 1,000,000 companies/min; peak RSS < 300 MB at any size');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
