import { describe, expect, it } from '@jest/globals';
import type { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_LIMIT, createBatchWriter, writeGroup } from '../src/batch-writes.js';
import { StoreUnavailableError } from '../src/errors.js';

/**
 * DynamoDB Local never throttles and always processes a whole BatchWriteItem, so these faults are
 * played by a client stand-in; the writes themselves are tested against DynamoDB Local
 * (batch pipeline integration tests).
 */
type Reply = { unprocessed: number } | { throw: Error };

function fakeClient(replies: Reply[]) {
  const calls: number[] = [];
  const client = {
    send(command: BatchWriteCommand) {
      const requests = command.input.RequestItems!.scores!;
      calls.push(requests.length);
      const reply = replies.shift() ?? { unprocessed: 0 };
      if ('throw' in reply) return Promise.reject(reply.throw);
      return Promise.resolve({ UnprocessedItems: reply.unprocessed ? { scores: requests.slice(-reply.unprocessed) } : {} });
    },
  };
  return { table: { client: client as unknown as DynamoDBDocumentClient, tableName: 'scores' }, calls };
}

const throttled = () => Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ pk: `p${i}`, sk: 's' }));
const noWait = { wait: () => Promise.resolve(), random: () => 0.5 };

describe('writeGroup', () => {
  it('resends only the unprocessed items until none is left, backing off in between', async () => {
    const { table, calls } = fakeClient([{ unprocessed: 10 }, { unprocessed: 3 }]);
    const waits: number[] = [];
    await writeGroup(table, items(25), { ...noWait, wait: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      }, backoff: { baseMs: 100, capMs: 10_000 } });
    expect(calls).toEqual([25, 10, 3]);
    expect(waits).toEqual([50, 100]);
  });

  it('retries a throttled call and gives up with StoreUnavailableError after the last attempt', async () => {
    const { table, calls } = fakeClient([{ throw: throttled() }, { unprocessed: 0 }]);
    await writeGroup(table, items(3), noWait);
    expect(calls).toEqual([3, 3]);

    const failing = fakeClient([{ throw: throttled() }, { throw: throttled() }, { throw: throttled() }]);
    await expect(writeGroup(failing.table, items(3), { ...noWait, maxAttempts: 3 })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(failing.calls).toEqual([3, 3, 3]);
  });

  it('gives up when items stay unprocessed, and rethrows a fault that no retry can fix', async () => {
    const stuck = fakeClient([{ unprocessed: 1 }, { unprocessed: 1 }]);
    await expect(writeGroup(stuck.table, items(2), { ...noWait, maxAttempts: 2 })).rejects.toThrow(/unavailable/);

    const invalid = Object.assign(new Error('bad item'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    const broken = fakeClient([{ throw: invalid }]);
    await expect(writeGroup(broken.table, items(2), noWait)).rejects.toBe(invalid);
    expect(broken.calls).toEqual([2]);
  });
});

describe('createBatchWriter', () => {
  it('writes groups of 25 and the remainder on flush', async () => {
    const { table, calls } = fakeClient([]);
    const writer = createBatchWriter(table, noWait);
    for (const item of items(2 * BATCH_WRITE_LIMIT + 7)) await writer.add(item);
    await writer.flush();
    expect(calls).toEqual([25, 25, 7]);
  });

  it('reports a failed group on a later add or on flush', async () => {
    const invalid = Object.assign(new Error('bad item'), { name: 'ValidationException' });
    const { table } = fakeClient([{ throw: invalid }]);
    const writer = createBatchWriter(table, { ...noWait, concurrency: 1 });
    const adding = (async () => {
      for (const item of items(60)) await writer.add(item);
    })();
    await expect(adding).rejects.toBe(invalid);
    await expect(writer.flush()).rejects.toBe(invalid);
  });
});
