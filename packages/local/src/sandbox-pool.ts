import type { Context } from 'aws-lambda';
import { createLambdaContext, type FunctionSettings } from './lambda-context.js';

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
}

export interface SandboxPoolOptions extends FunctionSettings {
  /** Most sandboxes alive at once, like reserved concurrency; further invocations wait for a free one. */
  maxConcurrency: number;
}

/**
 * Runs invocations the way Lambda does: each sandbox (one handler instance, made by `createSandbox`,
 * with its own logger and metrics) serves one invocation at a time, and a new sandbox starts cold
 * when all are busy. A sandbox that timed out is discarded, as Lambda discards it.
 */
export function createSandboxPool<E, R>(createSandbox: () => LambdaHandler<E, R>, options: SandboxPoolOptions) {
  const idle: LambdaHandler<E, R>[] = [];
  const waiting: { resolve(sandbox: LambdaHandler<E, R>): void; reject(error: unknown): void }[] = [];
  let alive = 0;

  /** A sandbox whose initialisation throws never becomes alive: like Lambda, the next invocation tries again. */
  const start = (): LambdaHandler<E, R> => {
    const sandbox = createSandbox();
    alive += 1;
    return sandbox;
  };

  const acquire = async (): Promise<LambdaHandler<E, R>> =>
    idle.pop() ?? (alive < options.maxConcurrency ? start() : new Promise((resolve, reject) => waiting.push({ resolve, reject })));

  const release = (sandbox: LambdaHandler<E, R>) => {
    const next = waiting.shift();
    if (next) next.resolve(sandbox);
    else idle.push(sandbox);
  };

  const discard = () => {
    alive -= 1;
    const next = waiting.shift();
    if (!next) return;
    try {
      next.resolve(start());
    } catch (error) {
      next.reject(error);
    }
  };

  return {
    async invoke(event: E): Promise<R> {
      const sandbox = await acquire();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new InvocationTimeoutError(`the function timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      try {
        const result = await Promise.race([sandbox(event, createLambdaContext(options)), timeout]);
        release(sandbox);
        return result;
      } catch (error) {
        if (error instanceof InvocationTimeoutError) discard();
        else release(sandbox);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
