import { availableParallelism } from 'node:os';
import { createContextFitter, createScorer, type NormContext } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { formatRate, readCompanyLines } from '../jsonl-input.js';
import { openInput, readContextFile, readWeightsFile, weightsPathOf } from '../files.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { CHUNK_BYTES, scoreInParallel } from '../parallel-score.js';
import { closeAll, openRunOutputs, runOutputPaths } from '../record-lines.js';
import { remoteScoreOptions, scoreRemotely } from '../remote-score.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge score <in.jsonl> [-o out.jsonl] [--errors errors.jsonl] [--context ctx.json | --fit] [--weights weights.yaml] [--no-mask] [--verbose] [--deterministic] [--workers N] [--remote <url> --api-key <key>]';

/** More threads than this only add start-up time and memory, whatever the machine. */
const MAX_WORKERS = 64;

export const SCORE_OPTIONS = {
  output: { type: 'string', short: 'o' },
  errors: { type: 'string' },
  context: { type: 'string' },
  fit: { type: 'boolean' },
  weights: { type: 'string' },
  'no-mask': { type: 'boolean' },
  verbose: { type: 'boolean' },
  deterministic: { type: 'boolean' },
  workers: { type: 'string' },
  remote: { type: 'string' },
  'api-key': { type: 'string' },
} as const;

/** `--fit`: a first streaming pass fits the context on the input itself. */
async function fitFromInput(path: string): Promise<NormContext> {
  const fitter = createContextFitter();
  for await (const parsed of readCompanyLines(path)) if (parsed.ok) fitter.add(parsed.company);
  try {
    return fitter.finish();
  } catch (error) {
    throw new CliError(`--fit: ${(error as Error).message} in ${path}`);
  }
}

/** `--workers N`, or one worker per core the process may use. */
function workerCount(value: string | undefined): number {
  if (value === undefined) return Math.min(availableParallelism(), MAX_WORKERS);
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) throw new CliError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${value}"\nusage: ${USAGE}`);
  return count;
}

export const score: Command = {
  name: 'score',
  summary: 'score a JSONL file of companies: one payload per valid line, one error record per invalid line',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, SCORE_OPTIONS, USAGE, { min: 1, max: 1 });
    const input = positionals[0]!;
    refuseOutputsOverInputs(
      [
        { option: 'input', path: input },
        { option: '--context', path: values.context },
        { option: 'weights file', path: weightsPathOf(values.weights) },
      ],
      runOutputPaths(values.output, values.errors),
    );
    const remote = remoteScoreOptions(values, USAGE);
    if (remote) {
      await scoreRemotely(input, remote);
      return EXIT.ok;
    }
    if (values.context !== undefined && values.fit) throw new CliError(`--context and --fit exclude each other\nusage: ${USAGE}`);
    const workers = workerCount(values.workers);
    const weights = readWeightsFile(values.weights);
    const context = values.context !== undefined ? readContextFile(values.context) : values.fit ? await fitFromInput(input) : undefined;
    const scorer = createScorer({ context, weights, mask: !values['no-mask'], verbose: values.verbose, deterministic: values.deterministic });

    const source = openInput(input, CHUNK_BYTES);
    const { results, errors, resultsPath, errorsPath } = openRunOutputs(values.output, values.errors);
    const started = performance.now();
    const { counts, threads } = await scoreInParallel({ input: source, scorer, workers, results, errors });
    await closeAll(results, errors);

    const elapsed = performance.now() - started;
    process.stderr.write(
      [
        `scored ${input}: ${counts.lines} lines, ${counts.succeeded} scored, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
        `  context ${scorer.context.version}, weights ${scorer.weights.version}, masking ${scorer.options.mask ? 'on' : 'off'}, ${threads === 0 ? 'scored on the main thread (one chunk)' : `${threads} worker thread${threads === 1 ? '' : 's'}`}`,
        `  results: ${resultsPath}`,
        `  errors:  ${errorsPath}`,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};
