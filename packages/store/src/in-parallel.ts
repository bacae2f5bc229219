/**
 * Maps the items with at most `limit` calls in flight and returns the results in item order. After a
 * failure no further call starts, and the first failure is what the returned promise rejects with.
 */
export async function mapInParallel<T, R>(items: readonly T[], limit: number, call: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      for (let i = next++; i < items.length && !failed; i = next++) results[i] = await call(items[i]!, i);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
