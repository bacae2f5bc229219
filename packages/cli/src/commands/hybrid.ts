import { createScorer, scoreHybrid } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { EXIT } from '../cli-error.js';
import { formatRate, readRecordLines } from '../jsonl-input.js';
import { DivergenceTally } from '../divergence-tally.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import { closeAll, forEachRecord, openRunOutputs, runOutputPaths } from '../record-lines.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge hybrid <in.jsonl> [-o out.jsonl] [--errors errors.jsonl]';

export const hybrid: Command = {
  name: 'hybrid',
  summary: 'adapt, score and blend lines {record, ai_score, strategy?, ai_weight?, divergence_threshold?, consensus_threshold?}',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, errors: { type: 'string' } }, USAGE, { min: 1, max: 1 });
    const input = positionals[0]!;
    refuseOutputsOverInputs([{ option: 'input', path: input }], runOutputPaths(values.output, values.errors));
    const scorer = createScorer();
    const records = readRecordLines(input);
    const outputs = openRunOutputs(values.output, values.errors);
    const now = new Date();
    const tally = new DivergenceTally();
    const started = performance.now();

    const counts = await forEachRecord(records, outputs.errors, async (request) => {
      const result = scoreHybrid(request, scorer, now);
      tally.add(result.blend.divergence);
      await outputs.results.write(JSON.stringify(result));
    });
    await closeAll(outputs.results, outputs.errors);

    const elapsed = performance.now() - started;
    process.stderr.write(
      [
        `hybrid ${input}: ${counts.lines} lines, ${counts.succeeded} blended, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
        ...tally.summary(),
        `  context ${scorer.context.version}, weights ${scorer.weights.version}, masking ${scorer.options.mask ? 'on' : 'off'}`,
        `  results: ${outputs.resultsPath}`,
        `  errors:  ${outputs.errorsPath}`,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  },
};
