import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { endpointSetting, readEnvironment, scoringSettings, setting, telemetrySettings, wholeNumber } from '../src/index.js';

const Schema = v.object({
  TABLE_NAME: setting('TABLE_NAME', 'set it to the table'),
  LIMIT: v.optional(wholeNumber('LIMIT', 'a whole number from 1 to 9', /^[1-9]$/), '5'),
  ...scoringSettings,
  ...telemetrySettings('svc'),
  AWS_ENDPOINT_URL_S3: endpointSetting('AWS_ENDPOINT_URL_S3'),
});

describe('readEnvironment', () => {
  it('applies the defaults of an environment that sets only what is required', () => {
    expect(readEnvironment(Schema, { TABLE_NAME: 't' })).toEqual({
      ok: true,
      config: {
        TABLE_NAME: 't',
        LIMIT: 5,
        WEIGHTS_CONFIG_PATH: undefined,
        MASK_ON_INFEASIBLE: true,
        RETENTION_DAYS: 365,
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'svc',
        POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
        POWERTOOLS_TRACE_ENABLED: true,
        AWS_ENDPOINT_URL_S3: undefined,
      },
    });
  });

  it('names every broken variable with what it got and the fix, a missing one included', () => {
    const result = readEnvironment(Schema, {
      LIMIT: '12',
      MASK_ON_INFEASIBLE: 'no',
      RETENTION_DAYS: '0',
      LOG_LEVEL: 'loud',
      POWERTOOLS_TRACE_ENABLED: 'off',
      AWS_ENDPOINT_URL_S3: 'localhost',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        'TABLE_NAME is not set: set it to the table',
        'LIMIT must be a whole number from 1 to 9 (got "12")',
        'MASK_ON_INFEASIBLE must be true or false (got "no")',
        'RETENTION_DAYS must be a whole number of days from 1 to 99999 (got "0")',
        'LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL (got "LOUD")',
        'POWERTOOLS_TRACE_ENABLED must be true or false (got "off")',
        'AWS_ENDPOINT_URL_S3 must be a URL such as http://127.0.0.1:4566 (got "localhost")',
      ],
    });
  });

  it('reads MASK_ON_INFEASIBLE=false and POWERTOOLS_TRACE_ENABLED=false as false, and a lower-case log level', () => {
    const result = readEnvironment(Schema, { TABLE_NAME: 't', MASK_ON_INFEASIBLE: 'false', POWERTOOLS_TRACE_ENABLED: 'false', LOG_LEVEL: 'debug' });
    expect(result.ok && [result.config.MASK_ON_INFEASIBLE, result.config.POWERTOOLS_TRACE_ENABLED, result.config.LOG_LEVEL]).toEqual([false, false, 'DEBUG']);
  });
});
