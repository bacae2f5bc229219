import { describe, expect, it } from '@jest/globals';
import { StoreUnavailableError } from '../src/errors.js';
import { isRetryable, isWriteConflict, tableCall, withRetries, type RetryPolicy } from '../src/retry.js';

/** DynamoDB Local neither throttles nor reports transaction conflicts on demand, so these errors are built as the SDK throws them. */
const serviceError = (name: string, httpStatusCode: number, extra: object = {}) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode }, ...extra });
const cancelled = (...codes: string[]) => serviceError('TransactionCanceledException', 400, { CancellationReasons: codes.map((Code) => ({ Code })) });
const networkError = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 3 } });

const waits: number[] = [];
const policy: RetryPolicy = { attempts: 4, backoff: { baseMs: 100, capMs: 1_000 }, random: () => 0.5, wait: (ms) => Promise.resolve(void waits.push(ms)) };

/** A call that fails with these errors, one per call, then answers. */
function failing(...errors: Error[]) {
  let calls = 0;
  const call = () => {
    calls += 1;
    const error = errors.shift();
    return error === undefined ? Promise.resolve('done') : Promise.reject(error);
  };
  return { call, calls: () => calls };
}

describe('isRetryable', () => {
  it.each([
    ['a write that collided with a transaction', serviceError('TransactionConflictException', 400)],
    ['a transaction cancelled by a conflict on one item', cancelled('None', 'TransactionConflict')],
    ['a transaction cancelled by throttling', cancelled('ThrottlingError', 'None')],
    ['throttling the SDK gave up on', serviceError('ProvisionedThroughputExceededException', 400)],
    ['a request limit', serviceError('RequestLimitExceeded', 400)],
    ['a ThrottlingException', serviceError('ThrottlingException', 400)],
    ['a 500', serviceError('InternalServerError', 500)],
    ['a 503', serviceError('ServiceUnavailable', 503)],
  ])('retries %s', (_, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['a failed condition', serviceError('ConditionalCheckFailedException', 400)],
    ['a transaction whose condition failed, even beside a conflict', cancelled('ConditionalCheckFailed', 'TransactionConflict')],
    ['a transaction cancelled without reasons', cancelled()],
    ['a validation error', serviceError('ValidationException', 400)],
    ['a call without an answer, which the SDK already retried', networkError()],
    ['a programming error', new TypeError('x is undefined')],
  ])('does not retry %s', (_, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  it('tells conflicts apart from throttling', () => {
    expect(isWriteConflict(cancelled('TransactionConflict'))).toBe(true);
    expect(isWriteConflict(serviceError('ThrottlingException', 400))).toBe(false);
  });
});

describe('withRetries and tableCall', () => {
  it('calls again after a conflict and throttling, with growing jittered waits', async () => {
    waits.length = 0;
    const { call, calls } = failing(serviceError('TransactionConflictException', 400), cancelled('None', 'TransactionConflict'), serviceError('ThrottlingException', 400));
    await expect(withRetries(call, policy)).resolves.toBe('done');
    expect(calls()).toBe(4);
    expect(waits).toEqual([50, 100, 200]);
  });

  it('gives up after the last attempt with StoreUnavailableError, the last failure as its cause', async () => {
    const last = serviceError('TransactionConflictException', 400);
    const { call, calls } = failing(last, last, last, last, last);
    await expect(tableCall('count scores', call, policy)).rejects.toMatchObject({ name: 'StoreUnavailableError', cause: last });
    expect(calls()).toBe(4);
  });

  it('answers a verdict or a silent table at once', async () => {
    const condition = serviceError('ConditionalCheckFailedException', 400);
    const verdict = failing(condition);
    await expect(tableCall('claim chunk', verdict.call, policy)).rejects.toBe(condition);
    expect(verdict.calls()).toBe(1);

    const silent = failing(networkError());
    await expect(tableCall('get batch', silent.call, policy)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(silent.calls()).toBe(1);
  });
});
