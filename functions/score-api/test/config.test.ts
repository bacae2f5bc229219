import { describe, expect, it } from '@jest/globals';
import { loadConfig, telemetrySettings } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ TABLE_NAME: 'scores' })).toEqual({
      ok: true,
      config: {
        TABLE_NAME: 'scores',
        MASK_ON_INFEASIBLE: true,
        RETENTION_DAYS: 365,
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'score-api',
        POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
      },
    });
  });

  it('reads every variable the stack sets', () => {
    const loaded = loadConfig({ TABLE_NAME: 't', MASK_ON_INFEASIBLE: 'false', RETENTION_DAYS: '30', LOG_LEVEL: 'debug', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
    expect(loaded).toMatchObject({ ok: true, config: { MASK_ON_INFEASIBLE: false, RETENTION_DAYS: 30, LOG_LEVEL: 'DEBUG', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' } });
  });

  it('names each broken variable, what it got and the fix', () => {
    expect(loadConfig({ TABLE_NAME: '', MASK_ON_INFEASIBLE: 'yes', RETENTION_DAYS: '0', LOG_LEVEL: 'loud', AWS_ENDPOINT_URL_DYNAMODB: 'localhost' })).toEqual({
      ok: false,
      problems: [
        'TABLE_NAME is empty: set it to the name of the score table',
        'MASK_ON_INFEASIBLE must be true or false (got "yes")',
        'RETENTION_DAYS must be a whole number of days from 1 to 99999 (got "0")',
        'LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL (got "LOUD")',
        'AWS_ENDPOINT_URL_DYNAMODB must be a URL such as http://127.0.0.1:8000 (got "localhost")',
      ],
    });
  });
});

describe('telemetrySettings', () => {
  it('falls back to defaults for invalid values, so that the breakage can still be logged', () => {
    expect(telemetrySettings({ LOG_LEVEL: 'loud', POWERTOOLS_SERVICE_NAME: '' })).toEqual({
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'score-api',
      POWERTOOLS_METRICS_NAMESPACE: 'EchoRidge',
    });
  });
});
