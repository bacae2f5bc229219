import { writeFileSync } from 'node:fs';
import { createContextFitter, DEFAULT_FIT_THRESHOLD, serializeContext } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import { readCompanyLines } from '../jsonl-input.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import type { Command } from './command.js';

const USAGE = `echo-ridge fit-context <in.jsonl> -o ctx.json [--threshold ${DEFAULT_FIT_THRESHOLD}]`;

export const fitContextCommand: Command = {
  name: 'fit-context',
  summary: 'fit a normalization context (means and standard deviations) on a JSONL file of companies',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, threshold: { type: 'string' } }, USAGE, { min: 1, max: 1 });
    if (values.output === undefined) throw new CliError(`-o ctx.json is required\nusage: ${USAGE}`);
    refuseOutputsOverInputs([{ option: 'input', path: positionals[0] }], [{ option: '-o', path: values.output }]);
    const threshold = values.threshold === undefined ? DEFAULT_FIT_THRESHOLD : Number(values.threshold);
    if (!(threshold >= 0 && threshold <= 1)) throw new CliError(`--threshold must be a number from 0 to 1, got "${values.threshold}"`);

    const fitter = createContextFitter({ confidenceThreshold: threshold });
    let invalid = 0;
    for await (const parsed of readCompanyLines(positionals[0]!)) {
      if (parsed.ok) fitter.add(parsed.company);
      else invalid += 1;
    }
    let context;
    try {
      context = fitter.finish();
    } catch (error) {
      throw new CliError(`${(error as Error).message} in ${positionals[0]}`);
    }
    writeFileSync(values.output, serializeContext(context));
    process.stderr.write(
      `fitted context ${context.version} on ${context.companies_count} companies (confidence ≥ ${threshold})${invalid > 0 ? `, ${invalid} invalid lines skipped (see \`echo-ridge validate\`)` : ''}\n  written to ${values.output}\n  checksum ${context.checksum}\n`,
    );
    return EXIT.ok;
  },
};
