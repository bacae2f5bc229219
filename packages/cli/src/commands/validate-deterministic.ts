import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from './command.js';
import { SCORE_OPTIONS } from './score.js';

const USAGE = 'echo-ridge validate-deterministic <in.jsonl> [--context ctx.json | --fit] [--weights weights.yaml] [--no-mask] [--verbose]';
const BIN = fileURLToPath(new URL('../../bin/echo-ridge.js', import.meta.url));

// The child runs choose their own outputs and always score here, deterministically; every other score option passes through.
const { output: _output, errors: _errors, deterministic: _deterministic, remote: _remote, 'api-key': _apiKey, ...PASSED_OPTIONS } = SCORE_OPTIONS;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `score --deterministic` in a separate Node process, so no state can leak from one run to the other. */
function scoreInChildProcess(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'score', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CliError(`scoring run failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export const validateDeterministic: Command = {
  name: 'validate-deterministic',
  summary: 'score twice in two separate processes in deterministic mode and compare SHA-256 of the outputs',
  usage: USAGE,
  async run(args) {
    const { positionals } = parseCommandArgs(args, PASSED_OPTIONS, USAGE, { min: 1, max: 1 });
    const passed = args.filter((arg) => arg !== positionals[0]);
    const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-determinism-'));
    try {
      const runs = [1, 2].map((run) => ({ results: join(dir, `run${run}.jsonl`), errors: join(dir, `run${run}.errors.jsonl`) }));
      for (const run of runs) await scoreInChildProcess([positionals[0]!, ...passed, '--deterministic', '-o', run.results, '--errors', run.errors]);
      const digests = await Promise.all(runs.map(async (run) => ({ results: await sha256(run.results), errors: await sha256(run.errors) })));
      digests.forEach((digest, i) => process.stdout.write(`run ${i + 1}: results sha256 ${digest.results}  errors sha256 ${digest.errors}\n`));
      const same = digests[0]!.results === digests[1]!.results && digests[0]!.errors === digests[1]!.errors;
      process.stdout.write(same ? 'deterministic: both runs produced identical outputs\n' : 'NOT deterministic: the two runs differ\n');
      return same ? EXIT.ok : EXIT.problems;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
