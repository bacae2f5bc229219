import { Worker } from 'node:worker_threads';

export interface WorkerPool<I, O> {
  /** Runs a task on the least busy worker; workers start only when a task finds them all busy. */
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
  /** Sent and not yet answered, oldest first: a worker answers its messages in the order it got them. */
  sent: Task<I, O>[];
}

/**
 * Up to `size` worker threads running `entry`, each given `workerData` at start and answering each
 * task (a message) with one message. A worker holds up to `depth` tasks at once: the next is already
 * in its inbox when it finishes one, so it does not wait for this thread to be scheduled (on a busy
 * machine that wait idled the workers a seventh of the time). A worker that fails (throws, or exits
 * on its own) fails the tasks it held, every queued task and every later one: a run either gets all
 * its results or stops.
 */
export function createWorkerPool<I, O>(entry: URL, size: number, workerData: unknown, depth = 2): WorkerPool<I, O> {
  const slots: Slot<I, O>[] = [];
  const queue: Task<I, O>[] = [];
  let failure: Error | null = null;
  let closing = false;

  const fail = (error: Error) => {
    if (failure !== null) return;
    failure = error;
    for (const slot of slots) for (const task of slot.sent.splice(0)) task.reject(error);
    for (const task of queue.splice(0)) task.reject(error);
  };

  const spawn = (): Slot<I, O> => {
    const slot: Slot<I, O> = { worker: new Worker(entry, { workerData }), sent: [] };
    slot.worker.on('message', (result: O) => {
      slot.sent.shift()?.resolve(result);
      dispatch();
    });
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a worker thread exited unexpectedly (code ${code})`));
    });
    slots.push(slot);
    return slot;
  };

  /** The worker holding the fewest tasks, a new one if every worker is busy, or none if all are full. */
  const nextSlot = (): Slot<I, O> | undefined => {
    let least: Slot<I, O> | undefined;
    for (const slot of slots) if (least === undefined || slot.sent.length < least.sent.length) least = slot;
    if ((least === undefined || least.sent.length > 0) && slots.length < size) return spawn();
    return least !== undefined && least.sent.length < depth ? least : undefined;
  };

  const dispatch = () => {
    while (queue.length > 0 && failure === null) {
      const slot = nextSlot();
      if (slot === undefined) return;
      const next = queue.shift()!;
      slot.sent.push(next);
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
