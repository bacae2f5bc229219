import { sampleRateSetting } from '@echo-ridge/engine';
import { contextPollSetting } from '@echo-ridge/store';
import { endpointSetting, readEnvironment, scoringSettings, setting, telemetrySettings as telemetryEntries, type Env } from '@echo-ridge/settings';
import * as v from 'valibot';

/** The environment the stack sets (README of the function); each message names the variable and the fix. */

const SERVICE = 'score-api';

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the score table'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that holds contexts/'),
  ...scoringSettings,
  /** Share of each day's companies kept in the reservoir the context refresh fits on (functions/context-refresh/README.md). */
  SAMPLE_RATE: v.optional(sampleRateSetting('SAMPLE_RATE'), '0.1'),
  /** How long a new context pointer may go unnoticed (at most five minutes). */
  CONTEXT_POLL_SECONDS: v.optional(contextPollSetting('CONTEXT_POLL_SECONDS'), '60'),
  ...telemetryEntries(SERVICE),
  AWS_REGION: v.optional(v.string()),
  AWS_ENDPOINT_URL_DYNAMODB: endpointSetting('AWS_ENDPOINT_URL_DYNAMODB'),
  AWS_ENDPOINT_URL_S3: endpointSetting('AWS_ENDPOINT_URL_S3'),
});

export type { Env };
export type Config = v.InferOutput<typeof EnvSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function loadConfig(env: Env): ConfigResult {
  return readEnvironment(EnvSchema, env);
}

/**
 * What logs, metrics and traces need, read even when the rest of the configuration is broken so that the
 * breakage itself can be logged; an invalid value falls back to its default (loadConfig reports it).
 */
export function telemetrySettings(env: Env) {
  const { LOG_LEVEL, POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_TRACE_ENABLED } = EnvSchema.entries;
  return v.parse(
    v.object({
      LOG_LEVEL: v.fallback(LOG_LEVEL, 'INFO'),
      POWERTOOLS_SERVICE_NAME: v.fallback(POWERTOOLS_SERVICE_NAME, SERVICE),
      POWERTOOLS_METRICS_NAMESPACE: v.fallback(POWERTOOLS_METRICS_NAMESPACE, 'EchoRidge'),
      POWERTOOLS_TRACE_ENABLED: v.fallback(POWERTOOLS_TRACE_ENABLED, true),
    }),
    env,
  );
}
