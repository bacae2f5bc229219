import { adaptRecord } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { EXIT } from '../cli-error.js';
import { formatRate, readRecordLines } from '../jsonl-input.js';
import { LineWriter } from '../files.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { closeAll, forEachRecord, openRunOutputs, percent, runOutputPaths } from '../record-lines.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge adapt <records.jsonl> [-o companies.jsonl] [--warnings warnings.jsonl] [--errors errors.jsonl]';

/** Runbook: most pipeline records lack some data, so 60–80 % of conversions carry warnings; above 5 % failures is critical. */
const EXPECTED_WARNING_SHARE = { min: 0.6, max: 0.8 };
const CRITICAL_FAILURE_SHARE = 0.05;

export const adapt: Command = {
  name: 'adapt',
  summary: 'convert pipeline records {place_norm, web_snapshot?} into company records, one per line, announcing every default',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      { output: { type: 'string', short: 'o' }, warnings: { type: 'string' }, errors: { type: 'string' } },
      USAGE,
      { min: 1, max: 1 },
    );
    const input = positionals[0]!;
    refuseOutputsOverInputs([{ option: 'input', path: input }], [...runOutputPaths(values.output, values.errors), { option: '--warnings', path: values.warnings }]);
    const records = readRecordLines(input);
    const outputs = openRunOutputs(values.output, values.errors);
    const warningsOut = values.warnings === undefined ? null : LineWriter.open(values.warnings);
    // One clock reading per run: every record without a usable created_at gets the same time.
    const now = new Date();
    let withWarnings = 0;
    const started = performance.now();

    const counts = await forEachRecord(records, outputs.errors, async (record, line) => {
      const { company, warnings } = adaptRecord(record, now);
      await outputs.results.write(JSON.stringify(company));
      if (warnings.length === 0) return;
      withWarnings += 1;
      await warningsOut?.write(JSON.stringify({ line, company_id: company.company_id, warnings }));
    });
    await closeAll(outputs.results, warningsOut, outputs.errors);

    const elapsed = performance.now() - started;
    const warningShare = counts.succeeded === 0 ? 0 : withWarnings / counts.succeeded;
    const unusualShare = counts.succeeded > 0 && (warningShare < EXPECTED_WARNING_SHARE.min || warningShare > EXPECTED_WARNING_SHARE.max);
    const expected = `operators expect ${EXPECTED_WARNING_SHARE.min * 100}–${EXPECTED_WARNING_SHARE.max * 100} %`;
    const summary = [
      `adapted ${input}: ${counts.lines} lines, ${counts.succeeded} converted, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
      `  conversions with warnings: ${withWarnings} of ${counts.succeeded} (${percent(withWarnings, counts.succeeded)}; ${expected}${unusualShare ? ', this run is outside that range' : ''})`,
      `  failures: ${counts.failed} of ${counts.lines} (${percent(counts.failed, counts.lines)})`,
    ];
    if (counts.failed > CRITICAL_FAILURE_SHARE * counts.lines) {
      summary.push(`  CRITICAL: ${percent(counts.failed, counts.lines)} of lines failed to convert, above the runbook's critical level of ${CRITICAL_FAILURE_SHARE * 100} %; see the errors`);
    }
    summary.push(`  companies: ${outputs.resultsPath}`, `  warnings:  ${values.warnings ?? 'not written (use --warnings)'}`, `  errors:    ${outputs.errorsPath}`);
    process.stderr.write(`${summary.join('\n')}\n`);
    return EXIT.ok;
  },
};
