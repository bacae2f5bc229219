import { blendCase } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { EXIT } from '../cli-error.js';
import { formatRate, readRecordLines } from '../jsonl-input.js';
import { DivergenceTally } from '../divergence-tally.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { closeAll, forEachRecord, openRunOutputs, runOutputPaths } from '../record-lines.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge blend <cases.jsonl> [-o out.jsonl] [--errors errors.jsonl]';

export const blend: Command = {
  name: 'blend',
  summary: 'blend lines {ai_score, deterministic_score, strategy?, options?} into one blend result per line',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, errors: { type: 'string' } }, USAGE, { min: 1, max: 1 });
    const input = positionals[0]!;
    refuseOutputsOverInputs([{ option: 'input', path: input }], runOutputPaths(values.output, values.errors));
    const records = readRecordLines(input);
    const outputs = openRunOutputs(values.output, values.errors);
    const tally = new DivergenceTally();
    const started = performance.now();

    const counts = await forEachRecord(records, outputs.errors, async (line) => {
      const result = blendCase(line);
      tally.add(result.divergence);
      await outputs.results.write(JSON.stringify(result));
    });
    await closeAll(outputs.results, outputs.errors);

    const elapsed = performance.now() - started;
    process.stderr.write(
      [
        `blended ${input}: ${counts.lines} lines, ${counts.succeeded} blended, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
        ...tally.summary(),
        `  results: ${outputs.resultsPath}`,
        `  errors:  ${outputs.errorsPath}`,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};
