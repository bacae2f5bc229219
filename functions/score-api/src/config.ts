import { LogLevel } from '@aws-lambda-powertools/logger';
import { sampleRateSetting } from '@echo-ridge/engine';
import { contextPollSetting } from '@echo-ridge/store';
import * as v from 'valibot';

/** The environment the stack sets (README of the function); each message names the variable and the fix. */

const LOG_LEVELS = Object.values(LogLevel);

const LogLevelSchema = v.pipe(
  v.string(),
  v.toUpperCase(),
  v.picklist(LOG_LEVELS, (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${issue.received})`),
);

const setting = (name: string, fix: string) => v.pipe(v.string(`${name} is not set: ${fix}`), v.nonEmpty(`${name} is empty: ${fix}`));

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the score table'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that holds contexts/'),
  WEIGHTS_CONFIG_PATH: v.optional(setting('WEIGHTS_CONFIG_PATH', 'point it at the bundled weights.yaml, or unset it to use the repository copy')),
  MASK_ON_INFEASIBLE: v.optional(
    v.pipe(
      v.picklist(['true', 'false'], (issue) => `MASK_ON_INFEASIBLE must be true or false (got ${issue.received})`),
      v.transform((value) => value === 'true'),
    ),
    'true',
  ),
  RETENTION_DAYS: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d{0,4}$/, (issue) => `RETENTION_DAYS must be a whole number of days from 1 to 99999 (got ${issue.received})`),
      v.transform(Number),
    ),
    '365',
  ),
  /** Share of each day's companies kept in the reservoir the context refresh fits on (functions/context-refresh/README.md). */
  SAMPLE_RATE: v.optional(sampleRateSetting('SAMPLE_RATE'), '0.1'),
  /** How long a new context pointer may go unnoticed (at most five minutes). */
  CONTEXT_POLL_SECONDS: v.optional(contextPollSetting('CONTEXT_POLL_SECONDS'), '60'),
  LOG_LEVEL: v.optional(LogLevelSchema, 'INFO'),
  POWERTOOLS_SERVICE_NAME: v.optional(setting('POWERTOOLS_SERVICE_NAME', 'set it to the service name logs and metrics carry'), 'score-api'),
  POWERTOOLS_METRICS_NAMESPACE: v.optional(setting('POWERTOOLS_METRICS_NAMESPACE', 'set it to EchoRidge'), 'EchoRidge'),
  AWS_REGION: v.optional(v.string()),
  /** Read here rather than by the SDK so that one process can host handlers on different emulators (the local runtime, tests). */
  AWS_ENDPOINT_URL_DYNAMODB: v.optional(v.pipe(v.string(), v.url((issue) => `AWS_ENDPOINT_URL_DYNAMODB must be a URL such as http://127.0.0.1:8000 (got ${issue.received})`))),
  AWS_ENDPOINT_URL_S3: v.optional(v.pipe(v.string(), v.url((issue) => `AWS_ENDPOINT_URL_S3 must be a URL such as http://127.0.0.1:4566 (got ${issue.received})`))),
});

export type Env = Readonly<Record<string, string | undefined>>;
export type Config = v.InferOutput<typeof EnvSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: Env): ConfigResult {
  const result = v.safeParse(EnvSchema, env);
  return result.success ? { ok: true, config: result.output } : { ok: false, problems: result.issues.map((issue) => issue.message) };
}

/**
 * What logs and metrics need, read even when the rest of the configuration is broken so that the
 * breakage itself can be logged; an invalid value falls back to its default (loadConfig reports it).
 */
export function telemetrySettings(env: Env) {
  const { LOG_LEVEL, POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE } = EnvSchema.entries;
  return v.parse(
    v.object({
      LOG_LEVEL: v.fallback(LOG_LEVEL, 'INFO'),
      POWERTOOLS_SERVICE_NAME: v.fallback(POWERTOOLS_SERVICE_NAME, 'score-api'),
      POWERTOOLS_METRICS_NAMESPACE: v.fallback(POWERTOOLS_METRICS_NAMESPACE, 'EchoRidge'),
    }),
    env,
  );
}
