import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's parseArgs in strict mode, with its errors rephrased to name the command and show its usage. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string, positionals: { min: number; max: number }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\nusage: ${usage}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new CliError(`missing argument\nusage: ${usage}`);
  if (count > positionals.max) throw new CliError(`unexpected argument "${parsed.positionals[positionals.max]}"\nusage: ${usage}`);
  return parsed;
}
