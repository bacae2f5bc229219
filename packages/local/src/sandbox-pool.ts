import type { Context } from 'aws-lambda';
import { createLambdaContext, type FunctionSettings } from './lambda-context.js';

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** A sandbox that can be ended wherever its code is (a worker thread); a bare handler in this process can only be dropped. */
export interface StoppableSandbox<E, R> {
  invoke: LambdaHandler<E, R>;
  stop(): Promise<void>;
}

type Sandbox<E, R> = LambdaHandler<E, R> | StoppableSandbox<E, R>;

export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
}

export interface SandboxPoolOptions extends FunctionSettings {
  /** Most sandboxes alive at once, like reserved concurrency; further invocations wait for a free one. */
  maxConcurrency: number;
  /** Whether an invocation's error means its sandbox died (a crash), so that the sandbox is replaced. */
  diedOf?: (error: unknown) => boolean;
  /**
   * A stoppable sandbox idle this long is stopped, as Lambda reclaims idle sandboxes, so that the
   * memory of a burst of invocations (a large batch's chunks) is given back. Unset, idle sandboxes stay.
   */
  idleMs?: number;
}

interface Idle<E, R> {
  sandbox: Sandbox<E, R>;
  timer?: NodeJS.Timeout;
}

const invokeOn = <E, R>(sandbox: Sandbox<E, R>, event: E, context: Context) => (typeof sandbox === 'function' ? sandbox(event, context) : sandbox.invoke(event, context));

/**
 * Runs invocations the way Lambda does: each sandbox (one handler instance, made by `createSandbox`,
 * with its own logger and metrics) serves one invocation at a time, and a new sandbox starts cold
 * when all are busy. A sandbox that timed out or died is discarded, as Lambda discards it, and
 * stopped when it can be, so that the timed-out code stops too.
 */
export function createSandboxPool<E, R>(createSandbox: () => Sandbox<E, R> | Promise<Sandbox<E, R>>, options: SandboxPoolOptions) {
  const idle: Idle<E, R>[] = [];
  const waiting: { resolve(sandbox: Sandbox<E, R>): void; reject(error: unknown): void }[] = [];
  let alive = 0;

  /** A sandbox whose initialisation throws never becomes alive: like Lambda, the next invocation tries again. */
  const start = async (): Promise<Sandbox<E, R>> => {
    alive += 1;
    try {
      return await createSandbox();
    } catch (error) {
      alive -= 1;
      throw error;
    }
  };

  const acquire = async (): Promise<Sandbox<E, R>> => {
    const warm = idle.pop();
    if (warm) {
      clearTimeout(warm.timer);
      return warm.sandbox;
    }
    return alive < options.maxConcurrency ? start() : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  const retire = (entry: Idle<E, R>) => {
    const at = idle.indexOf(entry);
    if (at === -1 || typeof entry.sandbox === 'function') return;
    idle.splice(at, 1);
    alive -= 1;
    void entry.sandbox.stop().catch(() => undefined);
  };

  const release = (sandbox: Sandbox<E, R>) => {
    const next = waiting.shift();
    if (next) return next.resolve(sandbox);
    const entry: Idle<E, R> = { sandbox };
    if (options.idleMs !== undefined && typeof sandbox !== 'function') entry.timer = setTimeout(() => retire(entry), options.idleMs).unref();
    idle.push(entry);
  };

  const discard = async (sandbox: Sandbox<E, R>) => {
    if (typeof sandbox !== 'function') await sandbox.stop().catch(() => undefined);
    alive -= 1;
    const next = waiting.shift();
    if (next) start().then((fresh) => next.resolve(fresh), (error: unknown) => next.reject(error));
  };

  return {
    async invoke(event: E): Promise<R> {
      const sandbox = await acquire();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new InvocationTimeoutError(`the function timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      try {
        const result = await Promise.race([invokeOn(sandbox, event, createLambdaContext(options)), timeout]);
        release(sandbox);
        return result;
      } catch (error) {
        if (error instanceof InvocationTimeoutError || options.diedOf?.(error)) await discard(sandbox);
        else release(sandbox);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    /** Stops every idle sandbox that can be stopped (busy ones end with their invocation's caller). */
    async stop(): Promise<void> {
      await Promise.all(
        idle.splice(0).flatMap(({ sandbox, timer }) => {
          clearTimeout(timer);
          return typeof sandbox === 'function' ? [] : [sandbox.stop()];
        }),
      );
    },
  };
}
