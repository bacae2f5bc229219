import { AnalyticsInputError, checkLabeledRecord, requireLabeled, type LabeledCompany } from '@echo-ridge/engine';
import { CliError } from './cli-error.js';
import { readRecordLines } from './jsonl-input.js';

/**
 * The scorable companies of a labelled JSONL file. Every line that cannot be used is named on stderr with
 * its problems; the file is refused when too few usable lines remain.
 */
export async function readLabeledFile(path: string): Promise<LabeledCompany[]> {
  const lines = [];
  for await (const parsed of readRecordLines(path)) {
    if (!parsed.ok) {
      process.stderr.write(`${path} line ${parsed.line}: ${parsed.error.error.message}\n`);
      continue;
    }
    const checked = checkLabeledRecord(parsed.value, parsed.line);
    if (checked.status !== 'scored') {
      const problem = checked.status === 'unscored' ? 'labelled, but the company cannot be scored' : 'not usable';
      process.stderr.write(`${path} line ${checked.line}: ${problem}: ${checked.issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}\n`);
    }
    lines.push(checked);
  }
  try {
    return requireLabeled(lines);
  } catch (error) {
    if (error instanceof AnalyticsInputError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
