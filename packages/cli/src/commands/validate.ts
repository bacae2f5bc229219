import { parseCommandArgs } from '../args.js';
import { EXIT } from '../cli-error.js';
import { readCompanyLines, type RunCounts } from '../jsonl-input.js';
import { LineWriter } from '../files.js';
import { refuseOutputsOverInputs } from '../output-paths.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge validate <in.jsonl> [--errors errors.jsonl]';

export const validate: Command = {
  name: 'validate',
  summary: 'check every line against the company schema without scoring; exit 1 when any line is invalid',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { errors: { type: 'string' } }, USAGE, { min: 1, max: 1 });
    const input = positionals[0]!;
    refuseOutputsOverInputs([{ option: 'input', path: input }], [{ option: '--errors', path: values.errors }]);
    const companies = readCompanyLines(input);
    const errors = values.errors === undefined ? null : LineWriter.open(values.errors);
    const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
    for await (const parsed of companies) {
      counts.lines += 1;
      if (parsed.ok) {
        counts.succeeded += 1;
        continue;
      }
      counts.failed += 1;
      await errors?.write(JSON.stringify(parsed.error));
      const { line, company_id, error } = parsed.error;
      const details = error.issues.length > 0 ? error.issues.map((issue) => `${issue.path} ${issue.message}`).join('; ') : error.message;
      process.stderr.write(`line ${line}${company_id === undefined ? '' : ` (${company_id})`}: ${details}\n`);
    }
    await errors?.close();
    process.stderr.write(`validated ${input}: ${counts.lines} lines, ${counts.succeeded} valid, ${counts.failed} invalid\n`);
    return counts.failed === 0 ? EXIT.ok : EXIT.problems;
  },
};
