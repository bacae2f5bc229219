import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { cancellationCodes, conditionFailedAt } from '../src/cancellation-reasons.js';

/** As the SDK throws it: its own class, with one reason per action (a reason may lack its code). */
const cancelled = (...codes: (string | undefined)[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: { httpStatusCode: 400 }, CancellationReasons: codes.map((Code) => (Code === undefined ? {} : { Code })) });

/** As another copy of the SDK (a bundle, the local fault proxy's answer parsed elsewhere) throws it: only the name and the reasons. */
const cancelledElsewhere = (...codes: string[]) => Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

describe('cancellationCodes', () => {
  it('lists one code per action, in the order of the actions, None for an action without a code', () => {
    expect(cancellationCodes(cancelled('None', 'ConditionalCheckFailed', undefined))).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    expect(cancellationCodes(cancelledElsewhere('TransactionConflict', 'None'))).toEqual(['TransactionConflict', 'None']);
  });

  it('gives an empty list for a cancellation without reasons', () => {
    expect(cancellationCodes(Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException' }))).toEqual([]);
  });

  it.each([
    ['a failed condition outside a transaction', new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} })],
    ['another error that carries reasons', Object.assign(new Error('x'), { name: 'ValidationException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] })],
    ['a programming error', new TypeError('x is undefined')],
    ['a string', 'TransactionCanceledException'],
    ['null', null],
    ['undefined', undefined],
  ])('is undefined for %s', (_, error) => {
    expect(cancellationCodes(error)).toBeUndefined();
  });
});

describe('conditionFailedAt', () => {
  it("names the action whose condition failed, and only that one", () => {
    const error = cancelled('None', 'ConditionalCheckFailed');
    expect(conditionFailedAt(error, 1)).toBe(true);
    expect(conditionFailedAt(error, 0)).toBe(false);
    expect(conditionFailedAt(error, 2)).toBe(false);
    expect(conditionFailedAt(cancelledElsewhere('ConditionalCheckFailed'), 0)).toBe(true);
  });

  it('is false for a cancellation for another reason, and for every error that is not a cancellation', () => {
    expect(conditionFailedAt(cancelled('TransactionConflict', 'None'), 0)).toBe(false);
    expect(conditionFailedAt(cancelled(), 0)).toBe(false);
    expect(conditionFailedAt(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }), 0)).toBe(false);
    expect(conditionFailedAt(new Error('ConditionalCheckFailed'), 0)).toBe(false);
  });
});
