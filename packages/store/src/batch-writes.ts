import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { sleep, type BackoffPolicy } from './backoff.js';
import { isTransient, StoreUnavailableError } from './errors.js';
import { isRetryable, withRetries } from './retry.js';
import type { TableContext } from './table-context.js';

/** DynamoDB's limit of put requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

export type TableItem = Record<string, unknown>;

export interface BatchWriteOptions {
  /** Attempts per group, counting the first; UnprocessedItems and throttling each use one. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** BatchWriteItem calls in flight at once. */
  concurrency?: number;
  wait?: (ms: number) => Promise<void>;
  random?: () => number;
}

const DEFAULTS = { maxAttempts: 10, backoff: { baseMs: 50, capMs: 5_000 }, concurrency: 8, wait: sleep, random: Math.random };

type TableTarget = Pick<TableContext, 'client' | 'tableName'>;

/** Items DynamoDB left unprocessed (it throttled part of the call): resent like a throttled call. */
class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
}

/**
 * Writes one group of at most 25 items, resending what DynamoDB left unprocessed, and what it
 * throttled, refused for a conflict or did not answer, through the store's retry (retry.ts). Items are plain puts: their
 * keys are deterministic, so a repeated write replaces the same item instead of adding one.
 */
export async function writeGroup(table: TableTarget, items: readonly TableItem[], options: BatchWriteOptions = {}): Promise<void> {
  const { maxAttempts, backoff, wait, random } = { ...DEFAULTS, ...options };
  let pending: { PutRequest: { Item: TableItem } }[] = items.map((Item) => ({ PutRequest: { Item } }));
  const send = async () => {
    const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
    pending = (result.UnprocessedItems?.[table.tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
    if (pending.length > 0) throw new UnprocessedItemsError(`${pending.length} items still unprocessed after ${maxAttempts} attempts`);
  };
  // The puts are idempotent and a batch has minutes: a call that got no answer is tried again too.
  const retryable = (error: unknown) => error instanceof UnprocessedItemsError || isRetryable(error) || isTransient(error);
  try {
    await withRetries(send, { attempts: maxAttempts, backoff, wait, random, retryable });
  } catch (error) {
    if (error instanceof UnprocessedItemsError || isTransient(error)) throw new StoreUnavailableError('batch write', error);
    throw error;
  }
}

/**
 * A sink that groups items by 25 and keeps a bounded number of BatchWriteItem calls in flight, so
 * scoring goes on while earlier groups are written and memory holds at most `concurrency` groups.
 */
export interface BatchWriter {
  add(item: TableItem): Promise<void>;
  /** Writes what is buffered and waits for every call in flight; rejects if any write failed. */
  flush(): Promise<void>;
}

export function createBatchWriter(table: TableTarget, options: BatchWriteOptions = {}): BatchWriter {
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  let buffer: TableItem[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  const start = (group: TableItem[]) => {
    const write: Promise<void> = writeGroup(table, group, options)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
  };
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };

  return {
    async add(item) {
      throwIfFailed();
      buffer.push(item);
      if (buffer.length < BATCH_WRITE_LIMIT) return;
      start(buffer);
      buffer = [];
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      throwIfFailed();
    },
    async flush() {
      if (buffer.length > 0) start(buffer);
      buffer = [];
      await Promise.all(inFlight);
      throwIfFailed();
    },
  };
}
