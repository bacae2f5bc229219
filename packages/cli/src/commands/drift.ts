import { writeFileSync } from 'node:fs';
import { AnalyticsInputError, defaultContext, detectDrift, hasAlertAtLeast, SEVERITIES, type Severity } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { driftHtml } from '../drift-html.js';
import { renderDriftReport } from '../drift-report.js';
import { readContextFile, readWeightsFile, weightsPathOf } from '../files.js';
import { readRecordLines } from '../jsonl-input.js';
import { readLabeledFile } from '../labeled-input.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge drift --baseline a.jsonl --current b.jsonl [--labeled labeled.jsonl] [--json report.json] [--html report.html] [--fail-on warning|critical] [--context ctx.json] [--weights weights.yaml]';

const OPTIONS = {
  baseline: { type: 'string' },
  current: { type: 'string' },
  labeled: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  'fail-on': { type: 'string' },
  context: { type: 'string' },
  weights: { type: 'string' },
} as const;

/**
 * Every line of a JSONL file as a record. A line that is not JSON still was a record that arrived: it
 * counts as one with every field missing, so that a broken export shows up as drift, and is named on stderr.
 */
async function readRecords(path: string): Promise<unknown[]> {
  const records: unknown[] = [];
  for await (const parsed of readRecordLines(path)) {
    if (parsed.ok) records.push(parsed.value);
    else {
      process.stderr.write(`${path} line ${parsed.line}: ${parsed.error.error.message} (counted as a record with every field missing)\n`);
      records.push(null);
    }
  }
  return records;
}

function failLevel(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new CliError(`--fail-on must be one of ${SEVERITIES.join(', ')}, got "${value}"\nusage: ${USAGE}`);
  return value as Severity;
}

export const drift: Command = {
  name: 'drift',
  summary: 'compare the inputs and scores of a period with a baseline period and raise drift alerts',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommandArgs(args, OPTIONS, USAGE, { min: 0, max: 0 });
    if (values.baseline === undefined || values.current === undefined) throw new CliError(`--baseline and --current are required\nusage: ${USAGE}`);
    refuseOutputsOverInputs(
      [...(['baseline', 'current', 'labeled', 'context'] as const).map((option) => ({ option: `--${option}`, path: values[option] })), { option: 'weights file', path: weightsPathOf(values.weights) }],
      [
        { option: '--json', path: values.json },
        { option: '--html', path: values.html },
      ],
    );
    const failOn = failLevel(values['fail-on']);
    const weights = readWeightsFile(values.weights);
    const context = values.context === undefined ? defaultContext : readContextFile(values.context);
    const baseline = await readRecords(values.baseline);
    const current = await readRecords(values.current);
    const labeled = values.labeled === undefined ? undefined : await readLabeledFile(values.labeled);

    let report;
    try {
      report = detectDrift({ baseline, current, context, weights, labeled });
    } catch (error) {
      if (error instanceof AnalyticsInputError) throw new CliError(error.message);
      throw error;
    }
    process.stdout.write(renderDriftReport(report, { baseline: values.baseline, current: values.current }));
    if (values.json !== undefined) {
      writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(`drift report written to ${values.json}\n`);
    }
    if (values.html !== undefined) {
      writeFileSync(values.html, driftHtml(report, { baseline, current, context, weights, names: { baseline: values.baseline, current: values.current } }));
      process.stderr.write(`drift charts written to ${values.html}\n`);
    }
    return failOn !== null && hasAlertAtLeast(report.alerts, failOn) ? EXIT.problems : EXIT.ok;
  },
};
