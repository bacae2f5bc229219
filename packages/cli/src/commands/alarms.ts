import { readFileSync } from 'node:fs';
import { parseDatapoints, readAlarms, replay, type AlarmReplay } from '@echo-ridge/alarms';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge alarms replay <datapoints.jsonl> [--stage staging|prod] [--template template.json] [--json]';

const OPTIONS = {
  stage: { type: 'string' },
  template: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const STAGES = ['staging', 'prod'] as const;
type Stage = (typeof STAGES)[number];
const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`);
  }
}

/**
 * The stage's template: the file given (cdk.out/<stage>-echo-ridge.template.json, or a deployed one from
 * `aws cloudformation get-template`), else synthesized from this checkout's infra, offline.
 */
async function template(stage: Stage, path: string | undefined): Promise<unknown> {
  if (path !== undefined) {
    try {
      return JSON.parse(readText(path, 'template'));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`template ${path} is not JSON: ${(error as Error).message}`);
    }
  }
  // Loaded only here: synthesizing needs the CDK, which no other command does.
  const { synthesizeStage } = await import('@echo-ridge/infra/synth');
  return synthesizeStage(stage).template;
}

function report(alarms: readonly AlarmReplay[]): string {
  const fired = alarms.filter((alarm) => alarm.transitions.some((t) => t.state === 'ALARM'));
  const lines = fired.flatMap((alarm) => [
    `${alarm.name} (${alarm.type}${alarm.notifies.length > 0 ? `, notifies ${alarm.notifies.join(', ')}` : ', notifies nobody'})`,
    ...alarm.transitions.map((t) => `  ${t.timestamp}  ${t.state}`),
  ]);
  return [...lines, `${fired.length} of ${alarms.length} alarms went to ALARM`].join('\n') + '\n';
}

export const alarmsCommand: Command = {
  name: 'alarms',
  summary: "replay exported CloudWatch datapoints through the stack's alarms: which fire, when, and whom they notify",
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE, { min: 2, max: 2 });
    const [action, input] = positionals as [string, string];
    if (action !== 'replay') throw new CliError(`unknown action "${action}"\nusage: ${USAGE}`);
    const stage = values.stage ?? 'prod';
    if (!isStage(stage)) throw new CliError(`--stage must be staging or prod (got "${stage}")\nusage: ${USAGE}`);

    const { datapoints, errors } = parseDatapoints(readText(input, 'datapoints'));
    if (errors.length > 0) {
      const shown = errors.slice(0, 5).map((error) => `${input}:${error.line}: ${error.message}`);
      throw new CliError(`${errors.length} line${errors.length === 1 ? ' is' : 's are'} not a datapoint\n${shown.join('\n')}`);
    }
    let alarms;
    try {
      alarms = readAlarms(await template(stage, values.template));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read the alarms of the template: ${(error as Error).message}`);
    }
    const result = replay(alarms, datapoints);
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : report(result.alarms));
    process.stderr.write(`${datapoints.length} datapoints replayed through ${alarms.length} alarms of ${values.template ?? `the ${stage} stack`}\n`);
    return EXIT.ok;
  },
};
