import { describe, expect, it } from '@jest/globals';
import { isTransient, StoreUnavailableError } from '../src/errors.js';
import { tableCall } from '../src/retry.js';

const serviceError = (name: string, httpStatusCode: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
/** What the SDK throws when no answer came: its retry metadata, but no HTTP status. */
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code, $metadata: { attempts: 3, totalRetryDelay: 120 } });

describe('isTransient', () => {
  it.each([
    ['throttling', serviceError('ProvisionedThroughputExceededException', 400)],
    ['a request limit', serviceError('RequestLimitExceeded', 400)],
    ['a server error', serviceError('InternalServerError', 500)],
    ['any 5xx', serviceError('SomethingNew', 503)],
    ['a refused connection', networkError('ECONNREFUSED')],
    ['a reset connection', networkError('ECONNRESET')],
    ['a network failure the SDK re-wrapped', Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED'), { $metadata: { attempts: 3 } })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('says yes to %s', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a missing table', serviceError('ResourceNotFoundException', 400)],
    ['a failed condition', serviceError('ConditionalCheckFailedException', 400)],
    ['a validation error', serviceError('ValidationException', 400)],
    ['a programming error', new TypeError('x is undefined')],
    ['a marshalling error raised before sending', new Error('Pass options.removeUndefinedValues=true to remove undefined values')],
    ['a thrown string', 'boom'],
  ])('says no to %s', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('tableCall', () => {
  it('turns a transient failure into StoreUnavailableError, keeping the cause', async () => {
    const cause = networkError('ECONNREFUSED');
    const failure = tableCall('get batch', () => Promise.reject(cause));
    await expect(failure).rejects.toThrow(StoreUnavailableError);
    await expect(failure).rejects.toMatchObject({ message: 'DynamoDB is unavailable (get batch)', cause });
  });

  it('lets a fault through unchanged', async () => {
    const fault = serviceError('ResourceNotFoundException', 400);
    await expect(tableCall('get batch', () => Promise.reject(fault))).rejects.toBe(fault);
  });
});
