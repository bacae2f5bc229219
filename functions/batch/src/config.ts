import { LogLevel } from '@aws-lambda-powertools/logger';
import { sampleRateSetting } from '@echo-ridge/engine';
import { contextPollSetting } from '@echo-ridge/store';
import * as v from 'valibot';
import { DEFAULT_CHUNK_BYTES } from './chunk-plan.js';

/** The environment the stack sets (infra/lib/batch.ts); each message names the variable and the fix. */

const LOG_LEVELS = Object.values(LogLevel);

const setting = (name: string, fix: string) => v.pipe(v.string(`${name} is not set: ${fix}`), v.nonEmpty(`${name} is empty: ${fix}`));

const wholeNumber = (name: string, range: string, pattern: RegExp) =>
  v.pipe(
    v.string(),
    v.regex(pattern, (issue) => `${name} must be ${range} (got ${issue.received})`),
    v.transform(Number),
  );

const endpoint = (name: string) => v.optional(v.pipe(v.string(), v.url((issue) => `${name} must be a URL such as http://127.0.0.1:4566 (got ${issue.received})`)));

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the score table'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that receives results/ and errors/'),
  QUEUE_URL: setting('QUEUE_URL', 'set it to the URL of the batch queue, which receives chunk messages'),
  WEIGHTS_CONFIG_PATH: v.optional(setting('WEIGHTS_CONFIG_PATH', 'point it at the bundled weights.yaml, or unset it to use the repository copy')),
  MASK_ON_INFEASIBLE: v.optional(
    v.pipe(
      v.picklist(['true', 'false'], (issue) => `MASK_ON_INFEASIBLE must be true or false (got ${issue.received})`),
      v.transform((value) => value === 'true'),
    ),
    'true',
  ),
  RETENTION_DAYS: v.optional(wholeNumber('RETENTION_DAYS', 'a whole number of days from 1 to 99999', /^[1-9]\d{0,4}$/), '365'),
  /** Share of each day's companies kept in the reservoir the context refresh fits on (functions/context-refresh/README.md). */
  SAMPLE_RATE: v.optional(sampleRateSetting('SAMPLE_RATE'), '0.1'),
  /** How long a new context pointer may go unnoticed (at most five minutes). */
  CONTEXT_POLL_SECONDS: v.optional(contextPollSetting('CONTEXT_POLL_SECONDS'), '60'),
  /** Documented in chunk-plan.ts; tests lower it to cut small files into many chunks. */
  CHUNK_BYTES: v.optional(wholeNumber('CHUNK_BYTES', 'a whole number of bytes from 1 to 999999999999', /^[1-9]\d{0,11}$/), String(DEFAULT_CHUNK_BYTES)),
  LOG_LEVEL: v.optional(v.pipe(v.string(), v.toUpperCase(), v.picklist(LOG_LEVELS, (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${issue.received})`)), 'INFO'),
  POWERTOOLS_SERVICE_NAME: v.optional(setting('POWERTOOLS_SERVICE_NAME', 'set it to the service name logs and metrics carry'), 'batch'),
  POWERTOOLS_METRICS_NAMESPACE: v.optional(setting('POWERTOOLS_METRICS_NAMESPACE', 'set it to EchoRidge'), 'EchoRidge'),
  AWS_REGION: v.optional(v.string()),
  // Read here rather than by the SDK so that one process can host handlers on different emulators (the local runtime, tests).
  AWS_ENDPOINT_URL_DYNAMODB: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
  AWS_ENDPOINT_URL_S3: endpoint('AWS_ENDPOINT_URL_S3'),
  AWS_ENDPOINT_URL_SQS: endpoint('AWS_ENDPOINT_URL_SQS'),
});

export type Env = Readonly<Record<string, string | undefined>>;
export type Config = v.InferOutput<typeof EnvSchema>;

/** The configuration, or every problem with it in one error: a batch function that cannot run should say why at start-up. */
export function loadConfig(env: Env): Config {
  const result = v.safeParse(EnvSchema, env);
  if (result.success) return result.output;
  throw new Error(`the batch function's environment is invalid:\n${result.issues.map((issue) => `- ${issue.message}`).join('\n')}`);
}
