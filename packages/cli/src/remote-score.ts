import { ApiConnectionError, ApiError, ApiTimeoutError, DEFAULT_CONCURRENCY, EchoRidgeClient } from '@echo-ridge/client';
import { MAX_BATCH_COMPANIES } from '@echo-ridge/contract';
import type { Company, LineErrorRecord } from '@echo-ridge/engine';
import { CliError } from './cli-error.js';
import { formatRate, readCompanyLines, type RunCounts } from './jsonl-input.js';
import { closeAll, openRunOutputs, writeErrorRecord, type RunOutputs } from './record-lines.js';

/** Companies sent per round: as many as scoreMany keeps in flight at once, so that every request is full. */
const ROUND_COMPANIES = MAX_BATCH_COMPANIES * DEFAULT_CONCURRENCY;

export interface RemoteScoreOptions {
  /** The API's base URL: `http://127.0.0.1:3000` for `pnpm start`, the stage URL on AWS. */
  url: string;
  apiKey: string;
  output: string | undefined;
  errors: string | undefined;
}

/** The flags of `score` that shape local scoring: through the API, its own context, weights and masking score. */
const LOCAL_ONLY = ['context', 'fit', 'weights', 'no-mask', 'verbose', 'deterministic', 'workers'] as const;

export type ScoreFlags = { remote?: string; 'api-key'?: string; output?: string; errors?: string } & { [flag in (typeof LOCAL_ONLY)[number]]?: string | boolean };

/**
 * The options of a `score --remote` run, or undefined for a local run. The key may come from
 * ECHO_RIDGE_API_KEY instead, which keeps it out of the shell history and the process list.
 */
export function remoteScoreOptions(flags: ScoreFlags, usage: string): RemoteScoreOptions | undefined {
  if (flags.remote === undefined) {
    if (flags['api-key'] !== undefined) throw new CliError(`--api-key goes with --remote <url>\nusage: ${usage}`);
    return undefined;
  }
  const local = LOCAL_ONLY.filter((flag) => flags[flag] !== undefined).map((flag) => `--${flag}`);
  if (local.length > 0) throw new CliError(`${local.join(', ')} cannot go with --remote: the API scores with its own context, weights and masking\nusage: ${usage}`);
  const apiKey = flags['api-key'] ?? process.env.ECHO_RIDGE_API_KEY;
  if (apiKey === undefined) throw new CliError(`--remote needs --api-key <key> (or ECHO_RIDGE_API_KEY)\nusage: ${usage}`);
  return { url: flags.remote, apiKey, output: flags.output, errors: flags.errors };
}

/** A line of the round: a company to score, or the error record the local check already made of it. */
type Pending = { line: number; company: Company } | { line: number; error: LineErrorRecord };

/** What the client's failures mean to the user: the run could not be done. */
async function remote<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw new CliError(`${url} answered ${error.status} ${error.code}: ${error.message}`);
    if (error instanceof ApiTimeoutError || error instanceof ApiConnectionError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Scores the round's companies through the API and writes its lines in input order: a payload per
 * scored company, an error record per line refused here or by the API.
 */
async function scoreRound(client: EchoRidgeClient, url: string, round: Pending[], { results, errors }: RunOutputs, counts: RunCounts): Promise<void> {
  const companies = round.flatMap((pending) => ('company' in pending ? [pending.company] : []));
  const { items } = await remote(url, () => client.scoreMany(companies));
  let next = 0;
  for (const pending of round) {
    if ('error' in pending) {
      counts.failed += 1;
      await writeErrorRecord(errors, pending.error);
      continue;
    }
    const item = items[next++]!;
    if (item.ok) {
      counts.succeeded += 1;
      await results.write(JSON.stringify(item.payload));
      continue;
    }
    // The API refused a record the local check passed: an engine of another version behind it.
    counts.failed += 1;
    const { line } = pending;
    const { message, issues = [] } = item.error;
    await writeErrorRecord(errors, { line, company_id: pending.company.company_id, error: { code: 'VALIDATION_FAILED', message, issues } });
  }
}

/**
 * `score --remote`: the same run as a local `score`, with the API doing the scoring. Lines are checked
 * here first, exactly as a local run checks them, so that the error records are the same; valid
 * companies go to `POST /score/batch` a round at a time. `GET /stats` is asked first, so that a wrong
 * URL or key fails before any output file is created, and says which context and weights score the run.
 */
export async function scoreRemotely(input: string, { url, apiKey, output, errors: errorsPath }: RemoteScoreOptions): Promise<void> {
  if (!URL.canParse(url)) throw new CliError(`--remote must be the URL of the API, such as http://127.0.0.1:3000 (got ${JSON.stringify(url)})`);
  const client = new EchoRidgeClient({ baseUrl: url, apiKey });
  const stats = await remote(url, () => client.stats());
  const lines = readCompanyLines(input);
  const outputs = openRunOutputs(output, errorsPath);
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  const started = performance.now();

  let round: Pending[] = [];
  let roundCompanies = 0;
  for await (const parsed of lines) {
    counts.lines += 1;
    round.push(parsed.ok ? { line: parsed.line, company: parsed.company } : { line: parsed.line, error: parsed.error });
    if (parsed.ok) roundCompanies += 1;
    if (roundCompanies === ROUND_COMPANIES) {
      await scoreRound(client, url, round, outputs, counts);
      round = [];
      roundCompanies = 0;
    }
  }
  await scoreRound(client, url, round, outputs, counts);
  await closeAll(outputs.results, outputs.errors);

  const elapsed = performance.now() - started;
  process.stderr.write(
    [
      `scored ${input} through ${url}: ${counts.lines} lines, ${counts.succeeded} scored, ${counts.failed} failed in ${(elapsed / 1000).toFixed(2)} s (${formatRate(counts.lines, elapsed)})`,
      `  context ${stats.norm_context.version}, weights ${stats.versions.weights} (the API's)`,
      `  results: ${outputs.resultsPath}`,
      `  errors:  ${outputs.errorsPath}`,
    ].join('\n') + '\n',
  );
}
