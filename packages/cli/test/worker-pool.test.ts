import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { createWorkerPool, mapInOrder } from '../src/worker-pool.js';

/** A worker that answers only once it holds two tasks: a pool that sends one at a time never hears back. */
const PAIRING_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    const held = [];
    parentPort.on('message', (task) => {
      held.push(task);
      if (held.length === 2) for (const next of held.splice(0)) parentPort.postMessage(next * 10);
    });
  `)}`,
);

describe('createWorkerPool', () => {
  it('hands each worker its next task before it answers the current one, and answers every task with its own result', async () => {
    const pool = createWorkerPool<number, number>(PAIRING_WORKER, 2, null, 2);
    try {
      expect(await Promise.all([1, 2, 3, 4, 5, 6].map((task) => pool.run(task)))).toEqual([10, 20, 30, 40, 50, 60]);
      expect(pool.started()).toBe(2);
    } finally {
      await pool.close();
    }
    // A pool that sends one task at a time deadlocks here: fail in seconds, not at the minute-long default.
  }, 10_000);
});

describe('mapInOrder', () => {
  it('yields results in the order of the items, however the runs finish', async () => {
    const delays = [30, 0, 10, 0, 20];
    const run = (index: number) => new Promise<number>((resolve) => setTimeout(() => resolve(index), delays[index]));
    const out: number[] = [];
    for await (const result of mapInOrder(Readable.from([0, 1, 2, 3, 4]), run, 3)) out.push(result);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });
});
