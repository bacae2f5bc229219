import { serializeContext } from '@echo-ridge/engine';
import type { RefreshReport } from '@echo-ridge/context-refresh';
import { ConflictError, ContextRefusedError, type ContextStore } from '@echo-ridge/store';
import { CliError, EXIT } from './cli-error.js';
import type { ContextTarget } from './context-target.js';
import { readContextFile } from './files.js';
import { figure, textTable } from './text-table.js';

/** What `echo-ridge context` does once it knows its target (context-target.ts). */

export type ContextAction = 'list' | 'show' | 'publish' | 'refresh';

async function list(contexts: ContextStore): Promise<number> {
  const [records, pointer] = await Promise.all([contexts.list(), contexts.pointer()]);
  if (records.length === 0) {
    process.stderr.write('no context was published yet: the service scores with the one bundled with the engine\n');
    return EXIT.ok;
  }
  const rows = records.map((record) => [
    `${record.version === pointer?.version ? '*' : ' '} ${record.version}`,
    record.fitted_at ?? '–',
    figure(record.companies_count),
    record.published_at,
    record.has_sample ? 'yes' : 'no',
  ]);
  process.stdout.write(`${textTable([['  version', 'fitted at', 'companies', 'published at', 'sample'], ...rows], '')}\n`);
  process.stderr.write('* the current context\n');
  return EXIT.ok;
}

async function show(contexts: ContextStore, version: string): Promise<number> {
  const record = await contexts.record(version);
  if (!record) throw new CliError(`no context ${version} was published: \`echo-ridge context list\` shows those that were`);
  process.stdout.write(serializeContext(await contexts.load(record)));
  return EXIT.ok;
}

async function publish(contexts: ContextStore, file: string): Promise<number> {
  const context = readContextFile(file);
  const current = await contexts.pointer();
  const result = await contexts.publish(context, { expected: current?.version ?? null });
  if (!result.published) throw new CliError(`the current context changed to ${result.current?.version} while publishing; look at \`echo-ridge context list\` and publish again if still wanted`);
  process.stderr.write(`published ${context.version} (checksum ${context.checksum}), replacing ${current?.version ?? 'the bundled context'}; scoring functions switch to it within their poll interval\n`);
  return EXIT.ok;
}

function printRefresh(report: RefreshReport): number {
  const lines = [
    report.outcome === 'published' ? `published ${report.version}` : `kept ${report.version}: ${report.reason}`,
    `  sample: ${report.sampled} companies from the reservoir, ${report.eligible} meeting the confidence threshold`,
    `  fitted at ${report.fitted_at ?? 'an unknown time'}${report.age_hours === null ? '' : `, ${figure(report.age_hours)} h ago`}`,
  ];
  if (report.drift_alerts === null) lines.push('  drift: not checked (the previous context has no stored sample)');
  else if (report.drift_alerts.length === 0) lines.push('  drift: no alert against the previous sample');
  else lines.push(`  drift: ${report.drift_alerts.length} alerts against the previous sample`, ...report.drift_alerts.map((alert) => `    ${alert.severity.toUpperCase().padEnd(8)}  ${alert.message}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return report.outcome === 'published' ? EXIT.ok : EXIT.problems;
}

/** Runs one action; a context refused or a version clash is the user's to resolve, so it ends as a CliError. */
export async function runContextAction(target: ContextTarget, action: ContextAction, argument: string | undefined): Promise<number> {
  try {
    if (action === 'list') return await list(target.contexts);
    if (action === 'show') return await show(target.contexts, argument!);
    if (action === 'publish') return await publish(target.contexts, argument!);
    return printRefresh(await target.refresh());
  } catch (error) {
    if (error instanceof ContextRefusedError || error instanceof ConflictError) throw new CliError(`${target.description}: ${error.message}`);
    throw error;
  }
}
