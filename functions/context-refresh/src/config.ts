import { LogLevel } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';

/** The environment the stack sets (infra/lib/context.ts); each message names the variable and the fix. */

const LOG_LEVELS = Object.values(LogLevel);

const setting = (name: string, fix: string) => v.pipe(v.string(`${name} is not set: ${fix}`), v.nonEmpty(`${name} is empty: ${fix}`));

const endpoint = (name: string) => v.optional(v.pipe(v.string(), v.url((issue) => `${name} must be a URL such as http://127.0.0.1:4566 (got ${issue.received})`)));

/** The default bounds a fit's memory and the bytes read to about 2 MB, and still estimates a mean to about 1.5 % of a standard deviation. */
export const DEFAULT_SAMPLE_SIZE = 5000;

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the table that holds the reservoir and the context pointer'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that receives contexts/'),
  WEIGHTS_CONFIG_PATH: v.optional(setting('WEIGHTS_CONFIG_PATH', 'point it at the bundled weights.yaml, or unset it to use the repository copy')),
  SAMPLE_SIZE: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d{2,5}$/, (issue) => `SAMPLE_SIZE must be a whole number of companies from 100 to 999999 (got ${issue.received})`),
      v.transform(Number),
    ),
    String(DEFAULT_SAMPLE_SIZE),
  ),
  LOG_LEVEL: v.optional(v.pipe(v.string(), v.toUpperCase(), v.picklist(LOG_LEVELS, (issue) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${issue.received})`)), 'INFO'),
  POWERTOOLS_SERVICE_NAME: v.optional(setting('POWERTOOLS_SERVICE_NAME', 'set it to the service name logs and metrics carry'), 'context-refresh'),
  POWERTOOLS_METRICS_NAMESPACE: v.optional(setting('POWERTOOLS_METRICS_NAMESPACE', 'set it to EchoRidge'), 'EchoRidge'),
  AWS_REGION: v.optional(v.string()),
  // Read here rather than by the SDK so that one process can host handlers on different emulators (the local runtime, tests).
  AWS_ENDPOINT_URL_DYNAMODB: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
  AWS_ENDPOINT_URL_S3: endpoint('AWS_ENDPOINT_URL_S3'),
});

export type Env = Readonly<Record<string, string | undefined>>;
export type Config = v.InferOutput<typeof EnvSchema>;

/** The configuration, or every problem with it in one error: a refresh that cannot run should say why at start-up. */
export function loadConfig(env: Env): Config {
  // Every variable present, if only as undefined, so that a missing one is reported by its own message.
  const variables = Object.fromEntries(Object.keys(EnvSchema.entries).map((name) => [name, env[name]]));
  const result = v.safeParse(EnvSchema, variables);
  if (result.success) return result.output;
  throw new Error(`the context refresh function's environment is invalid:\n${result.issues.map((issue) => `- ${issue.message}`).join('\n')}`);
}
