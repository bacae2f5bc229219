import { describe, expect, it } from '@jest/globals';
import { loadConfig, telemetrySettings } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ TABLE_NAME: 'scores', BUCKET_NAME: 'data' })).toEqual({
      ok: true,
      config: {
        TABLE_NAME: 'scores',
        BUCKET_NAME: 'data',
        MASK_ON_INFEASIBLE: true,
        RETENTION_DAYS: 365,
        SAMPLE_RATE: 0.1,
        CONTEXT_POLL_SECONDS: 60,
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'score-api',
        POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
        POWERTOOLS_TRACE_ENABLED: true,
      },
    });
  });

  it('reads every variable the stack sets', () => {
    const loaded = loadConfig({
      TABLE_NAME: 't',
      BUCKET_NAME: 'b',
      MASK_ON_INFEASIBLE: 'false',
      RETENTION_DAYS: '30',
      SAMPLE_RATE: '1',
      CONTEXT_POLL_SECONDS: '0',
      LOG_LEVEL: 'debug',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
    });
    expect(loaded).toMatchObject({
      ok: true,
      config: {
        MASK_ON_INFEASIBLE: false,
        RETENTION_DAYS: 30,
        SAMPLE_RATE: 1,
        CONTEXT_POLL_SECONDS: 0,
        LOG_LEVEL: 'DEBUG',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
      },
    });
  });

  it('names each broken variable, what it got and the fix', () => {
    const broken = { TABLE_NAME: '', BUCKET_NAME: 'b', MASK_ON_INFEASIBLE: 'yes', RETENTION_DAYS: '0', SAMPLE_RATE: '5%', CONTEXT_POLL_SECONDS: '600', LOG_LEVEL: 'loud', AWS_ENDPOINT_URL_DYNAMODB: 'localhost' };
    expect(loadConfig(broken)).toEqual({
      ok: false,
      problems: [
        'TABLE_NAME is empty: set it to the name of the score table',
        'MASK_ON_INFEASIBLE must be true or false (got "yes")',
        'RETENTION_DAYS must be a whole number of days from 1 to 99999 (got "0")',
        'SAMPLE_RATE must be a number greater than 0 and at most 1, such as 0.1 (got "5%")',
        'CONTEXT_POLL_SECONDS must be a whole number of seconds from 0 to 300 (got "600")',
        'LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL (got "LOUD")',
        'AWS_ENDPOINT_URL_DYNAMODB must be a URL such as http://127.0.0.1:8000 (got "localhost")',
      ],
    });
  });
});

describe('telemetrySettings', () => {
  it('falls back to defaults for invalid values, so that the breakage can still be logged', () => {
    expect(telemetrySettings({ LOG_LEVEL: 'loud', POWERTOOLS_SERVICE_NAME: '', POWERTOOLS_TRACE_ENABLED: 'maybe' })).toEqual({
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'score-api',
      POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
      POWERTOOLS_TRACE_ENABLED: true,
    });
  });
});
