import { parseCommandArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import type { ContextAction } from '../context-actions.js';
import type { Command } from './command.js';

const USAGE = 'echo-ridge context list | show <version> | publish <ctx.json> | refresh  [--stage <stage>] [--runtime .local/runtime.json]';

const OPTIONS = { stage: { type: 'string' }, runtime: { type: 'string' } } as const;

/** How many arguments each action takes. */
const ACTIONS: Record<ContextAction, number> = { list: 0, show: 1, publish: 1, refresh: 0 };
const isAction = (name: string): name is ContextAction => Object.hasOwn(ACTIONS, name);

export const contextCommand: Command = {
  name: 'context',
  summary: 'list, show, publish or refresh the normalization contexts of the local runtime, or of a deployed stage with --stage',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE, { min: 1, max: 2 });
    const [action, argument] = positionals as [string, string | undefined];
    if (!isAction(action)) throw new CliError(`unknown action "${action}"\nusage: ${USAGE}`);
    if ((argument === undefined ? 0 : 1) !== ACTIONS[action]) throw new CliError(`${action} takes ${ACTIONS[action] === 0 ? 'no argument' : 'one argument'}\nusage: ${USAGE}`);

    // Loaded here rather than at start-up: only this command needs the AWS clients and the local runtime.
    const [{ localTarget, stageTarget }, { runContextAction }] = await Promise.all([import('../context-target.js'), import('../context-actions.js')]);
    const target = values.stage === undefined ? await localTarget(values.runtime) : await stageTarget(values.stage);
    return runContextAction(target, action, argument);
  },
};
