import { LogLevel } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';

/**
 * Environment settings every function reads the same way. Each message names the variable and how to
 * fix it, because a function that cannot start is diagnosed from its first log line alone.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** A required, non-empty string. */
export const setting = (name: string, fix: string) => v.pipe(v.string(`${name} is not set: ${fix}`), v.nonEmpty(`${name} is empty: ${fix}`));

/** A whole number written in the environment as digits matching `pattern` (which fixes the range). */
export const wholeNumber = (name: string, range: string, pattern: RegExp) =>
  v.pipe(
    v.string(),
    v.regex(pattern, (issue) => `${name} must be ${range} (got ${issue.received})`),
    v.transform(Number),
  );

/**
 * An SDK endpoint (AWS_ENDPOINT_URL_*), read by the function rather than by the SDK so that one process
 * can host handlers on different emulators (the local runtime, tests).
 */
export const endpointSetting = (name: `AWS_ENDPOINT_URL_${'DYNAMODB' | 'S3' | 'SQS'}`) => {
  // DynamoDB Local and fauxqs listen on these ports by default.
  const example = name.endsWith('DYNAMODB') ? 'http://127.0.0.1:8000' : 'http://127.0.0.1:4566';
  return v.optional(v.pipe(v.string(), v.url((issue) => `${name} must be a URL such as ${example} (got ${issue.received})`)));
};

const LOG_LEVELS = Object.values(LogLevel);

export const LogLevelSchema = v.pipe(
  v.string(),
  v.toUpperCase(),
  v.picklist(LOG_LEVELS, (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${issue.received})`),
);

/** Where the engine reads weights.yaml from; unset means the repository copy (tests, the local runtime). */
export const weightsPathSetting = v.optional(setting('WEIGHTS_CONFIG_PATH', 'point it at the bundled weights.yaml, or unset it to use the repository copy'));

/** `true` or `false`, read as a boolean; `fallback` when unset. */
export const flagSetting = (name: string, fallback: 'true' | 'false') =>
  v.optional(
    v.pipe(
      v.picklist(['true', 'false'], (issue) => `${name} must be true or false (got ${issue.received})`),
      v.transform((value) => value === 'true'),
    ),
    fallback,
  );

/** Scoring settings of the functions that score (score-api, batch). */
export const scoringSettings = {
  WEIGHTS_CONFIG_PATH: weightsPathSetting,
  MASK_ON_INFEASIBLE: flagSetting('MASK_ON_INFEASIBLE', 'true'),
  RETENTION_DAYS: v.optional(wholeNumber('RETENTION_DAYS', 'a whole number of days from 1 to 99999', /^[1-9]\d{0,4}$/), '365'),
};

/** Logging, metrics and tracing settings, with the function's own service name as the default. */
export const telemetrySettings = (service: string) => ({
  LOG_LEVEL: v.optional(LogLevelSchema, 'INFO'),
  POWERTOOLS_SERVICE_NAME: v.optional(setting('POWERTOOLS_SERVICE_NAME', 'set it to the service name logs and metrics carry'), service),
  POWERTOOLS_METRICS_NAMESPACE: v.optional(setting('POWERTOOLS_METRICS_NAMESPACE', 'set it to EchoRidge'), 'EchoRidge'),
  /**
   * `false` turns X-Ray tracing off (the local runtime, tests). Left on, Powertools Tracer still traces
   * only inside Lambda, where the function's active tracing hands it a segment.
   */
  POWERTOOLS_TRACE_ENABLED: flagSetting('POWERTOOLS_TRACE_ENABLED', 'true'),
});

/** Every problem with an environment, one line each, or the parsed configuration. */
export function readEnvironment<S extends v.ObjectSchema<v.ObjectEntries, undefined>>(schema: S, env: Env): { ok: true; config: v.InferOutput<S> } | { ok: false; problems: string[] } {
  // Every variable present, if only as undefined: valibot reports a missing key with a generic message,
  // a present-but-undefined one with the variable's own message (which names the fix).
  const variables = Object.fromEntries(Object.keys(schema.entries).map((name) => [name, env[name]]));
  const result = v.safeParse(schema, variables);
  return result.success ? { ok: true, config: result.output } : { ok: false, problems: result.issues.map((issue) => issue.message) };
}
