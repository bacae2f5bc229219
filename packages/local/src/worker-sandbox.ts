import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { FORWARD } from './fault-proxy.js';
import { endpointEnv, startFaultProxy, type FaultProxy, type ServiceEndpoints } from './fault-proxy.js';
import type { InvocationFaults, SandboxFaults } from './fault-policy.js';
import type { FunctionSettings } from './lambda-context.js';

/** A sandbox that died in the middle of an invocation, as Lambda reports a runtime that exited. */
export class SandboxCrashError extends Error {
  override readonly name = 'SandboxCrashError';
}

export interface WorkerSandboxData {
  /** The handler's module: a path or a package specifier, loaded in the thread. */
  module: string;
  exportName: string;
  settings: FunctionSettings;
}

export type WorkerRequest = { id: number; event: unknown; remainingMs: number };
export type WorkerReply = { id: number; result?: unknown; error?: { name: string; message: string; stack?: string } };

export interface WorkerSandboxOptions extends WorkerSandboxData {
  /** The function's environment; the thread's process.env is this over the runtime's own. */
  env: Record<string, string>;
  /** The emulators; with `faults`, the sandbox reaches them through a fault proxy of its own. */
  emulators: ServiceEndpoints;
  faults?: SandboxFaults;
}

export interface WorkerSandbox<E, R> {
  invoke(event: E, context: Context): Promise<R>;
  /** Ends the thread wherever its code is: nothing after that point runs, no finally block, as when Lambda ends a sandbox. */
  stop(): Promise<void>;
}

/**
 * One Lambda sandbox in a worker thread. The handler module is imported in the thread (the cold
 * start) and serves one invocation at a time. A timeout or a crash terminates the thread, so the code
 * of a dead invocation stops where it is, as on Lambda, instead of running on unseen.
 */
export async function startWorkerSandbox<E, R>(options: WorkerSandboxOptions): Promise<WorkerSandbox<E, R>> {
  let current: InvocationFaults | undefined;
  // The proxy exists before the thread whose requests it judges, and kills that thread.
  const thread: { worker?: Worker } = {};
  let proxy: FaultProxy | undefined;
  if (options.faults) {
    proxy = await startFaultProxy({
      targets: options.emulators,
      judge: (request) => current?.judge(request) ?? FORWARD,
      kill: () => void thread.worker?.terminate(),
    });
  }
  const env = { ...process.env, ...options.env, ...endpointEnv(proxy?.endpoints ?? options.emulators) };
  const data: WorkerSandboxData = { module: options.module, exportName: options.exportName, settings: options.settings };
  const worker = new Worker(new URL('./sandbox-worker.js', import.meta.url), { workerData: data, env });
  thread.worker = worker;

  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let exited: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerReply | { ready: true }) => {
      if ('ready' in message) return resolve();
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (!message.error) return waiter?.resolve(message.result);
      waiter?.reject(Object.assign(new Error(message.error.message), { name: message.error.name, stack: message.error.stack }));
    });
    worker.on('error', (error) => {
      exited = error;
      reject(error);
    });
    worker.on('exit', (code) => {
      exited ??= new SandboxCrashError(`the sandbox exited (code ${code}) during the invocation`);
      reject(exited);
      for (const waiter of pending.values()) waiter.reject(exited);
      pending.clear();
      void proxy?.close();
    });
  });
  await ready;

  const stop = async () => {
    await worker.terminate();
    await proxy?.close();
  };

  return {
    async invoke(event, context) {
      if (exited) throw exited;
      current = options.faults?.invocation(event);
      const id = nextId++;
      const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, event, remainingMs: context.getRemainingTimeInMillis() } satisfies WorkerRequest);
      const result = (await answer) as R;
      if (current?.crashBeforeAnswer) {
        await stop();
        throw new SandboxCrashError('the sandbox crashed after its work, before it answered');
      }
      return result;
    },
    stop,
  };
}
