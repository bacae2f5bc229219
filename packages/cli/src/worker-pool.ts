import { Worker } from 'node:worker_threads';

export interface WorkerPool<I, O> {
  /** Runs a task on the next free worker; workers start only when a task finds them all busy. */
  run(task: I): Promise<O>;
  /** How many workers were started so far. */
  started(): number;
  /** Stops every worker. */
  close(): Promise<void>;
}

interface Task<I, O> {
  task: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

interface Slot<I, O> {
  worker: Worker;
  current: Task<I, O> | null;
}

/**
 * Up to `size` worker threads running `entry`, each given `workerData` at start and one task (a
 * message) at a time, answering with one message. A worker that fails (throws, or exits on its own)
 * fails the task it held, every queued task and every later one: a run either gets all its results
 * or stops.
 */
export function createWorkerPool<I, O>(entry: URL, size: number, workerData: unknown): WorkerPool<I, O> {
  const slots: Slot<I, O>[] = [];
  const queue: Task<I, O>[] = [];
  let failure: Error | null = null;
  let closing = false;

  const fail = (error: Error) => {
    if (failure !== null) return;
    failure = error;
    for (const slot of slots) slot.current?.reject(error);
    for (const task of queue.splice(0)) task.reject(error);
  };

  const spawn = (): Slot<I, O> => {
    const slot: Slot<I, O> = { worker: new Worker(entry, { workerData }), current: null };
    slot.worker.on('message', (result: O) => {
      const done = slot.current;
      slot.current = null;
      done?.resolve(result);
      dispatch();
    });
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a worker thread exited unexpectedly (code ${code})`));
    });
    slots.push(slot);
    return slot;
  };

  const dispatch = () => {
    while (queue.length > 0 && failure === null) {
      const slot = slots.find((candidate) => candidate.current === null) ?? (slots.length < size ? spawn() : undefined);
      if (slot === undefined) return;
      const next = queue.shift()!;
      slot.current = next;
      slot.worker.postMessage(next.task);
    }
  };

  return {
    run(task) {
      if (failure !== null) return Promise.reject(failure);
      return new Promise<O>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        dispatch();
      });
    },
    started: () => slots.length,
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

/**
 * Maps `items` through `run` with at most `window` runs in flight, yielding the results in the
 * order of the items. Reading the items waits while the window is full and the consumer of the
 * results is busy, so memory holds no more than `window` items and results whatever the input.
 */
export async function* mapInOrder<I, O>(items: AsyncIterable<I>, run: (item: I) => Promise<O>, window: number): AsyncGenerator<O> {
  const inFlight: Promise<O>[] = [];
  for await (const item of items) {
    const result = run(item);
    // Awaited below in turn; until then a rejection must not count as unhandled and end the process.
    result.catch(() => undefined);
    inFlight.push(result);
    if (inFlight.length >= window) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
