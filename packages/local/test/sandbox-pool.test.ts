import { describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { createSandboxPool, InvocationTimeoutError } from '../src/sandbox-pool.js';

const settings = { functionName: 'test', region: 'us-east-1', memoryLimitInMB: 128, timeoutMs: 1_000 };

/** Sandboxes that record how many invocations each is serving at once, and which served what. */
function sandboxes(work: (event: number) => Promise<void>) {
  const created: { busy: number; mostBusy: number; served: number[] }[] = [];
  const create = () => {
    const sandbox = { busy: 0, mostBusy: 0, served: [] as number[] };
    created.push(sandbox);
    return async (event: number, context: Context) => {
      sandbox.busy += 1;
      sandbox.mostBusy = Math.max(sandbox.mostBusy, sandbox.busy);
      await work(event);
      sandbox.busy -= 1;
      sandbox.served.push(event);
      return `${context.functionName}:${event}`;
    };
  };
  return { create, created };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createSandboxPool', () => {
  it('gives each sandbox one invocation at a time and starts no more than the concurrency', async () => {
    const { create, created } = sandboxes(tick);
    const pool = createSandboxPool(create, { ...settings, maxConcurrency: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((event) => pool.invoke(event)));
    expect(results).toEqual(['test:1', 'test:2', 'test:3', 'test:4', 'test:5']);
    expect(created).toHaveLength(2);
    expect(created.map((sandbox) => sandbox.mostBusy)).toEqual([1, 1]);
    expect(created.flatMap((sandbox) => sandbox.served).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('reuses a warm sandbox instead of starting a cold one', async () => {
    const { create, created } = sandboxes(tick);
    const pool = createSandboxPool(create, { ...settings, maxConcurrency: 10 });
    for (const event of [1, 2, 3]) await pool.invoke(event);
    expect(created).toHaveLength(1);
  });

  it('times an invocation out and replaces the sandbox, as Lambda does', async () => {
    const { create, created } = sandboxes((event) => (event === 1 ? new Promise<void>(() => undefined) : tick()));
    const pool = createSandboxPool(create, { ...settings, timeoutMs: 50, maxConcurrency: 1 });
    await expect(pool.invoke(1)).rejects.toThrow(InvocationTimeoutError);
    await expect(pool.invoke(2)).resolves.toBe('test:2');
    expect(created).toHaveLength(2);
  });

  it('stops a stoppable sandbox idle for idleMs, as Lambda reclaims idle sandboxes, and starts a cold one after it', async () => {
    const stopped: number[] = [];
    let made = 0;
    const pool = createSandboxPool(
      () => {
        const id = ++made;
        return { invoke: (event: number) => Promise.resolve(`${id}:${event}`), stop: () => Promise.resolve(void stopped.push(id)) };
      },
      { ...settings, maxConcurrency: 2, idleMs: 20 },
    );
    await expect(pool.invoke(1)).resolves.toBe('1:1');
    // Used again before its idle time ran out: the same sandbox, not stopped.
    await expect(pool.invoke(2)).resolves.toBe('1:2');
    expect(stopped).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toEqual([1]);
    await expect(pool.invoke(3)).resolves.toBe('2:3');
    await pool.stop();
    expect(stopped).toEqual([1, 2]);
  });

  it('lets an invocation fail without losing the sandbox', async () => {
    const { create, created } = sandboxes((event) => (event === 1 ? Promise.reject(new Error('handler bug')) : tick()));
    const pool = createSandboxPool(create, { ...settings, maxConcurrency: 1 });
    await expect(pool.invoke(1)).rejects.toThrow('handler bug');
    await expect(pool.invoke(2)).resolves.toBe('test:2');
    expect(created).toHaveLength(1);
  });

  it('retries a sandbox whose initialisation threw on the next invocation', async () => {
    let attempts = 0;
    const { create } = sandboxes(tick);
    const pool = createSandboxPool(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('init failed');
      return create();
    }, { ...settings, maxConcurrency: 1 });
    await expect(pool.invoke(1)).rejects.toThrow('init failed');
    await expect(pool.invoke(2)).resolves.toBe('test:2');
  });
});
