import { endpointSetting, readEnvironment, setting, telemetrySettings, weightsPathSetting, wholeNumber, type Env } from '@echo-ridge/settings';
import * as v from 'valibot';

/** The environment the stack sets (infra/lib/context.ts); each message names the variable and the fix. */

/** The default bounds a fit's memory and the bytes read to about 2 MB, and still estimates a mean to about 1.5 % of a standard deviation. */
export const DEFAULT_SAMPLE_SIZE = 5000;

const EnvSchema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the name of the table that holds the reservoir and the context pointer'),
  BUCKET_NAME: setting('BUCKET_NAME', 'set it to the data bucket that receives contexts/'),
  WEIGHTS_CONFIG_PATH: weightsPathSetting,
  SAMPLE_SIZE: v.optional(wholeNumber('SAMPLE_SIZE', 'a whole number of companies from 100 to 999999', /^[1-9]\d{2,5}$/), String(DEFAULT_SAMPLE_SIZE)),
  ...telemetrySettings('context-refresh'),
  AWS_REGION: v.optional(v.string()),
  AWS_ENDPOINT_URL_DYNAMODB: endpointSetting('AWS_ENDPOINT_URL_DYNAMODB'),
  AWS_ENDPOINT_URL_S3: endpointSetting('AWS_ENDPOINT_URL_S3'),
});

export type { Env };
export type Config = v.InferOutput<typeof EnvSchema>;

/** The configuration, or every problem with it in one error: a refresh that cannot run should say why at start-up. */
export function loadConfig(env: Env): Config {
  const result = readEnvironment(EnvSchema, env);
  if (result.ok) return result.config;
  throw new Error(`the context refresh function's environment is invalid:\n${result.problems.map((problem) => `- ${problem}`).join('\n')}`);
}
