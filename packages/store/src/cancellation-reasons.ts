/**
 * Why DynamoDB cancelled a transaction. A TransactionCanceledException carries one reason per action,
 * in the order of TransactItems; an action that was not at fault has `None` (or no code at all). The
 * error is recognised by its name, not by `instanceof`, so that it is read the same whichever copy of
 * the SDK built it (the functions' bundles, the local fault proxy's answers, a test's).
 */

/** The reason codes of a cancelled transaction, one per action, `None` where none is given; undefined for any other error. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, CancellationReasons } = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (name !== 'TransactionCanceledException') return undefined;
  return (CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** True when a transaction was cancelled because the condition of its action at `index` failed. */
export function conditionFailedAt(error: unknown, index: number): boolean {
  return cancellationCodes(error)?.[index] === 'ConditionalCheckFailed';
}
