import { sampleRateSetting } from '@echo-ridge/engine';
import { contextPollSetting } from '@echo-ridge/store';
import { endpointSetting, readEnvironment, scoringSettings, setting, telemetrySettings, wholeNumber, type Env } from '@echo-ridge/settings';
import * as v from 'valibot';
import { DEFAULT_CHUNK_BYTES } from './chunk-plan.js';

/** The environment the stack sets (infra/lib/batch.ts); each message names the variable and the fix. */

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the score table'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that receives results/ and errors/'),
  QUEUE_URL: setting('QUEUE_URL', 'set it to the URL of the batch queue, which receives chunk messages'),
  ...scoringSettings,
  /** Share of each day's companies kept in the reservoir the context refresh fits on (functions/context-refresh/README.md). */
  SAMPLE_RATE: v.optional(sampleRateSetting('SAMPLE_RATE'), '0.1'),
  /** How long a new context pointer may go unnoticed (at most five minutes). */
  CONTEXT_POLL_SECONDS: v.optional(contextPollSetting('CONTEXT_POLL_SECONDS'), '60'),
  /** Documented in chunk-plan.ts; tests lower it to cut small files into many chunks. */
  CHUNK_BYTES: v.optional(wholeNumber('CHUNK_BYTES', 'a whole number of bytes from 1 to 999999999999', /^[1-9]\d{0,11}$/), String(DEFAULT_CHUNK_BYTES)),
  ...telemetrySettings('batch'),
  AWS_REGION: v.optional(v.string()),
  AWS_ENDPOINT_URL_DYNAMODB: endpointSetting('AWS_ENDPOINT_URL_DYNAMODB'),
  AWS_ENDPOINT_URL_S3: endpointSetting('AWS_ENDPOINT_URL_S3'),
  AWS_ENDPOINT_URL_SQS: endpointSetting('AWS_ENDPOINT_URL_SQS'),
});

export type { Env };
export type Config = v.InferOutput<typeof EnvSchema>;

/** The configuration, or every problem with it in one error: a batch function that cannot run should say why at start-up. */
export function loadConfig(env: Env): Config {
  const result = readEnvironment(EnvSchema, env);
  if (result.ok) return result.config;
  throw new Error(`the batch function's environment is invalid:\n${result.problems.map((problem) => `- ${problem}`).join('\n')}`);
}
