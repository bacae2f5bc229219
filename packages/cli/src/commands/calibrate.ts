import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AnalyticsInputError,
  assertRankable,
  calibrationEvidence,
  DEFAULT_BOOTSTRAP,
  DEFAULT_SEARCH,
  defaultContext,
  describeChange,
  evaluateWeights,
  optimizeCalibration,
  prepareLabeled,
  proposeWeightsFile,
  scoresUnder,
  SUBSCORE_NAMES,
  type CalibrationMetrics,
  type Optimization,
} from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { readContextFile, readWeightsFile, weightsPathOf } from '../files.js';
import { htmlReport } from '../html-report.js';
import { readLabeledFile } from '../labeled-input.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { figure, signedFigure } from '../text-table.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge calibrate --input labeled.jsonl --output calibration.json [--optimize] [--weights weights.yaml] [--context ctx.json] [--proposal weights.proposed.yaml] [--seed 1] [--html report.html]';

const OPTIONS = {
  input: { type: 'string' },
  output: { type: 'string' },
  optimize: { type: 'boolean' },
  weights: { type: 'string' },
  context: { type: 'string' },
  proposal: { type: 'string' },
  seed: { type: 'string' },
  html: { type: 'string' },
} as const;

function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SEARCH.seed;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError(`--seed must be a whole number ≥ 0, got "${value}"`);
  return seed;
}

function metricLines(metrics: CalibrationMetrics): string[] {
  const { kendall, spearman, pearson } = metrics;
  return [
    `  Kendall tau ${figure(kendall.statistic)} (p ${figure(kendall.p_value)}), Spearman rho ${figure(spearman.statistic)} (p ${figure(spearman.p_value)}), Pearson r ${figure(pearson.statistic)} (p ${figure(pearson.p_value)})`,
    `  precision ${metrics.precision_at_k.map(({ k, precision }) => `@${k} ${precision.toFixed(2)}`).join(', ')}; mean absolute error ${figure(metrics.mean_absolute_error)}`,
  ];
}

function optimizationLines(optimization: Optimization, proposalPath: string | null): string[] {
  const { gain, proposed, search } = optimization;
  const [low, high] = gain.confidence_interval;
  return [
    `optimised (seed ${search.seed}, ${search.evaluations} evaluations): Kendall tau ${figure(proposed.metrics.kendall.statistic)}, gain ${signedFigure(gain.kendall_tau)} (${Math.round(gain.confidence_level * 100)}% bootstrap interval [${signedFigure(low)}, ${signedFigure(high)}])`,
    `  best weights: ${SUBSCORE_NAMES.map((name) => `${name} ${proposed.weights[name]}`).join(', ')}`,
    proposalPath === null
      ? `  no change proposed: ${optimization.refusal}`
      : `  proposal written to ${proposalPath}: review it (validate on fresh labels), then replace weights.yaml with it`,
  ];
}

export const calibrate: Command = {
  name: 'calibrate',
  summary: 'measure how scores agree with labelled outcomes; with --optimize, search better weights and propose a weights.yaml',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommandArgs(args, OPTIONS, USAGE, { min: 0, max: 0 });
    if (values.input === undefined || values.output === undefined) throw new CliError(`--input and --output are required\nusage: ${USAGE}`);
    const seed = parseSeed(values.seed);
    const weightsPath = weightsPathOf(values.weights);
    const proposalPath = values.proposal ?? join(dirname(values.output), 'weights.proposed.yaml');
    refuseOutputsOverInputs(
      [
        { option: '--input', path: values.input },
        { option: 'weights file', path: weightsPath },
        { option: '--context', path: values.context },
      ],
      [
        { option: '--output', path: values.output },
        { option: values.proposal === undefined ? 'proposal beside --output' : '--proposal', path: values.optimize ? proposalPath : undefined },
        { option: '--html', path: values.html },
      ],
    );
    const weights = readWeightsFile(weightsPath);
    const context = values.context === undefined ? defaultContext : readContextFile(values.context);
    const set = prepareLabeled(await readLabeledFile(values.input), context);
    try {
      assertRankable(set);
    } catch (error) {
      if (error instanceof AnalyticsInputError) throw new CliError(`${values.input}: ${error.message}`);
      throw error;
    }

    const metrics = evaluateWeights(set, weights.weights);
    const summary = [`calibrated ${values.input}: ${metrics.n} labelled companies scored with weights ${weights.version} (${weightsPath}), context ${context.version}`, ...metricLines(metrics)];
    let optimization: (Optimization & { proposal: string | null }) | null = null;
    if (values.optimize) {
      const result = optimizeCalibration(set, weights, { search: { ...DEFAULT_SEARCH, seed }, bootstrap: { ...DEFAULT_BOOTSTRAP, seed } });
      let proposal: string | null = null;
      if (result.refusal === null) {
        proposal = proposalPath;
        const evidence = calibrationEvidence(result, new Date().toISOString().slice(0, 10));
        writeFileSync(proposal, proposeWeightsFile(readFileSync(weightsPath, 'utf8'), { weights: result.proposed.weights, evidence, change: describeChange(result) }, weightsPath));
      }
      optimization = { ...result, proposal };
      summary.push(...optimizationLines(result, proposal));
    }

    const report = { input: values.input, weights: { path: weightsPath, version: weights.version }, context_version: context.version, metrics, optimization };
    writeFileSync(values.output, `${JSON.stringify(report, null, 2)}\n`);
    if (values.html !== undefined) {
      const scores = scoresUnder(set, weights.weights);
      const precision = [{ label: `weights ${weights.version}`, values: metrics.precision_at_k.map(({ precision }) => precision) }];
      if (optimization) precision.push({ label: 'optimised weights', values: optimization.proposed.metrics.precision_at_k.map(({ precision }) => precision) });
      writeFileSync(
        values.html,
        htmlReport('Echo Ridge calibration report', summary, [
          { kind: 'scatter', title: 'score against label', xLabel: 'score (unmasked)', yLabel: 'ground truth score', points: scores.map((score, index) => [score, set.truths[index]!]), note: `Kendall tau ${figure(metrics.kendall.statistic)}, Pearson r ${figure(metrics.pearson.statistic)}` },
          { kind: 'bars', title: 'precision@k', categories: metrics.precision_at_k.map(({ k }) => `@${k}`), series: precision, note: 'share of the k best scored whose ground truth is at or above its median' },
        ]),
      );
      summary.push(`  charts: ${values.html}`);
    }
    process.stderr.write(`${[...summary, `  results: ${values.output}`].join('\n')}\n`);
    return EXIT.ok;
  },
};
