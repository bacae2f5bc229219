import { USAGE_TIERS, type UsageTierName } from '@echo-ridge/contract';
import { TenantIdSchema } from '@echo-ridge/store/schemas';
import * as v from 'valibot';
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { KeySummary } from '../key-targets.js';
import { textTable } from '../text-table.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge keys create --tenant <id> [--plan standard|premium] [--json] | list [--tenant <id>] [--json] | revoke <key id>  [--stage <stage>] [--keys-file .local/api-keys.json]';

const OPTIONS = {
  tenant: { type: 'string' },
  plan: { type: 'string', default: 'standard' },
  json: { type: 'boolean', default: false },
  stage: { type: 'string' },
  'keys-file': { type: 'string', default: '.local/api-keys.json' },
} as const;

function tenantOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const checked = v.safeParse(TenantIdSchema, value);
  if (!checked.success) throw new CliError(`--tenant ${checked.issues[0].message} (got ${JSON.stringify(value)})`);
  return checked.output;
}

function planOf(value: string): UsageTierName {
  const tier = USAGE_TIERS.find((candidate) => candidate.name === value);
  if (!tier) throw new CliError(`--plan must be one of ${USAGE_TIERS.map((candidate) => candidate.name).join(', ')} (got ${JSON.stringify(value)})`);
  return tier.name;
}

const table = (keys: readonly KeySummary[]) => textTable([['key id', 'tenant', 'plan'], ...keys.map((key) => [key.key_id, key.tenant, key.plan])], '');

export const keys: Command = {
  name: 'keys',
  summary: "create, list or revoke tenants' API keys: in the local runtime's keys file (effective at the next request), or on a deployed stage with --stage",
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE, { min: 1, max: 2 });
    const [action, argument] = positionals as [string, string | undefined];
    const tenant = tenantOf(values.tenant);
    // Loaded here rather than at start-up: only this command needs the API Gateway client.
    const { localKeys, stageKeys } = await import('../key-targets.js');
    const target = values.stage === undefined ? localKeys(values['keys-file']) : await stageKeys(values.stage);
    const print = (text: string) => process.stdout.write(`${text}\n`);
    switch (action) {
      case 'create': {
        if (tenant === undefined || argument !== undefined) throw new CliError(`create takes --tenant <id> and no argument\nusage: ${USAGE}`);
        const key = await target.create(tenant, planOf(values.plan));
        if (values.json) print(JSON.stringify(key));
        else {
          print(key.value);
          process.stderr.write(`key ${key.key_id} of tenant ${key.tenant} on the ${key.plan} plan, in ${target.description}: the value above is shown only now\n`);
        }
        return EXIT.ok;
      }
      case 'list': {
        if (argument !== undefined) throw new CliError(`list takes no argument\nusage: ${USAGE}`);
        const found = await target.list(tenant);
        print(values.json ? JSON.stringify(found) : table(found));
        return EXIT.ok;
      }
      case 'revoke': {
        if (argument === undefined || tenant !== undefined) throw new CliError(`revoke takes one key id (see keys list) and no --tenant\nusage: ${USAGE}`);
        const key = await target.revoke(argument);
        process.stderr.write(`revoked key ${key.key_id} of tenant ${key.tenant} in ${target.description}\n`);
        return EXIT.ok;
      }
      default:
        throw new CliError(`unknown action "${action}"\nusage: ${USAGE}`);
    }
  },
};
