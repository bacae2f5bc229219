import { CliError, EXIT } from './cli-error.js';
import { adapt } from './commands/adapt.js';
import { alarmsCommand } from './commands/alarms.js';
import { blend } from './commands/blend.js';
import { calibrate } from './commands/calibrate.js';
import type { Command } from './commands/command.js';
import { contextCommand } from './commands/context.js';
import { dlq } from './commands/dlq.js';
import { drift } from './commands/drift.js';
import { fitContextCommand } from './commands/fit-context.js';
import { hybrid } from './commands/hybrid.js';
import { keys } from './commands/keys.js';
import { score } from './commands/score.js';
import { validateDeterministic } from './commands/validate-deterministic.js';
import { validate } from './commands/validate.js';
import { weights } from './commands/weights.js';

export const COMMANDS: readonly Command[] = [score, validate, validateDeterministic, fitContextCommand, weights, adapt, hybrid, blend, drift, calibrate, contextCommand, dlq, alarmsCommand, keys];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return ['usage: echo-ridge <command> [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'echo-ridge <command> --help shows its options.'].join('\n');
}

/** Runs one command; every failure becomes one clear line on stderr and an exit code, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`echo-ridge: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`echo-ridge ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`echo-ridge ${name}: unexpected failure: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.internal;
  }
}
