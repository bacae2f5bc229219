import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SAMPLE_SIZE, loadConfig } from '../src/config.js';

const required = { TABLE_NAME: 'scores', BUCKET_NAME: 'data' };

describe('context refresh configuration', () => {
  it('needs the table and the bucket, and defaults the rest', () => {
    expect(loadConfig(required)).toMatchObject({ ...required, SAMPLE_SIZE: DEFAULT_SAMPLE_SIZE, LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'context-refresh' });
    expect(loadConfig({ ...required, SAMPLE_SIZE: '250' }).SAMPLE_SIZE).toBe(250);
  });

  it('names every problem at once, with the fix', () => {
    expect(() => loadConfig({ SAMPLE_SIZE: '99', AWS_ENDPOINT_URL_S3: 'fauxqs' })).toThrow(
      [
        "the context refresh function's environment is invalid:",
        '- TABLE_NAME is not set: set it to the name of the table that holds the reservoir and the context pointer',
        '- BUCKET_NAME is not set: set it to the data bucket that receives contexts/',
        '- SAMPLE_SIZE must be a whole number of companies from 100 to 999999 (got "99")',
        '- AWS_ENDPOINT_URL_S3 must be a URL such as http://127.0.0.1:4566 (got "fauxqs")',
      ].join('\n'),
    );
  });
});
