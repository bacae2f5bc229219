import { createContextFitter, createScorer, type NormContext } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { formatRate, readCompanyLines, type RunCounts } from '../jsonl-input.js';
import { readContextFile, readWeightsFile, weightsPathOf } from '../files.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { closeAll, openRunOutputs, runOutputPaths, writeErrorRecord } from '../record-lines.js';
import { remoteScoreOptions, scoreRemotely } from '../remote-score.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge score <in.jsonl> [-o out.jsonl] [--errors errors.jsonl] [--context ctx.json | --fit] [--weights weights.yaml] [--no-mask] [--verbose] [--deterministic] [--remote <url> --api-key <key>]';

export const SCORE_OPTIONS = {
  output: { type: 'string', short: 'o' },
  errors: { type: 'string' },
  context: { type: 'string' },
  fit: { type: 'boolean' },
  weights: { type: 'string' },
  'no-mask': { type: 'boolean' },
  verbose: { type: 'boolean' },
  deterministic: { type: 'boolean' },
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
    const weights = readWeightsFile(values.weights);
    const context = values.context !== undefined ? readContextFile(values.context) : values.fit ? await fitFromInput(input) : undefined;
    const scorer = createScorer({ context, weights, mask: !values['no-mask'], verbose: values.verbose, deterministic: values.deterministic });

    const companies = readCompanyLines(input);
    const { results, errors, resultsPath, errorsPath } = openRunOutputs(values.output, values.errors);
    const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
    const started = performance.now();

    for await (const parsed of companies) {
      counts.lines += 1;
      if (parsed.ok) {
        await results.write(JSON.stringify(scorer.score(parsed.company)));
        counts.succeeded += 1;
      } else {
        counts.failed += 1;
        await writeErrorRecord(errors, parsed.error);
      }
    }
    await closeAll(results, errors);

    const elapsed = performance.now() - started;
    process.stderr.write(
      [
        `scored ${input}: ${counts.lines} lines, ${counts.succeeded} scored, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
        `  context ${scorer.context.version}, weights ${scorer.weights.version}, masking ${scorer.options.mask ? 'on' : 'off'}`,
        `  results: ${resultsPath}`,
        `  errors:  ${errorsPath}`,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};
