import { DEFAULT_WEIGHTS_PATH, SUBSCORE_NAMES, WeightsError, loadWeights } from '@echo-ridge/engine';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge weights check [weights.yaml]';

export const weights: Command = {
  name: 'weights',
  summary: 'weights check [file]: validate a weights file against its constraints',
  usage: USAGE,
  // eslint-disable-next-line @typescript-eslint/require-await -- every command is async; this one has nothing to await
  async run(args) {
    const { positionals } = parseCommandArgs(args, {}, USAGE, { min: 1, max: 2 });
    if (positionals[0] !== 'check') throw new CliError(`unknown weights subcommand "${positionals[0]}"\nusage: ${USAGE}`);
    const path = positionals[1] ?? process.env.WEIGHTS_CONFIG_PATH ?? DEFAULT_WEIGHTS_PATH;
    try {
      const loaded = loadWeights(path);
      const listed = SUBSCORE_NAMES.map((name) => `${name} ${loaded.weights[name]}`).join(', ');
      process.stdout.write(`${path}: valid — version ${loaded.version}${loaded.frozen ? ' (frozen)' : ''}; ${listed}\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof WeightsError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return EXIT.problems;
    }
  },
};
