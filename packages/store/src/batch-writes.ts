import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { isTransient, StoreUnavailableError } from './errors.js';
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

/**
 * Writes one group of at most 25 items, resending what DynamoDB left unprocessed and what it
 * throttled, with full-jitter backoff between tries. Items are plain puts: their keys are
 * deterministic, so a repeated write replaces the same item instead of adding one.
 */
export async function writeGroup(table: TableTarget, items: readonly TableItem[], options: BatchWriteOptions = {}): Promise<void> {
  const { maxAttempts, backoff, wait, random } = { ...DEFAULTS, ...options };
  let pending: { PutRequest: { Item: TableItem } }[] = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) await wait(backoffDelay(attempt - 1, backoff, random));
    let result: BatchWriteCommandOutput;
    try {
      result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt + 1 >= maxAttempts) throw new StoreUnavailableError('batch write', error);
      continue;
    }
    pending = (result.UnprocessedItems?.[table.tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
    if (pending.length > 0 && attempt + 1 >= maxAttempts) {
      throw new StoreUnavailableError('batch write', new Error(`${pending.length} items still unprocessed after ${maxAttempts} attempts`));
    }
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
