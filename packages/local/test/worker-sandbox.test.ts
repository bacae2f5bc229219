import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crashOnce } from '../src/fault-policy.js';
import { createSandboxPool, InvocationTimeoutError } from '../src/sandbox-pool.js';
import { createLambdaContext } from '../src/lambda-context.js';
import { SandboxCrashError, startWorkerSandbox, type WorkerSandbox } from '../src/worker-sandbox.js';

const HANDLERS = fileURLToPath(new URL('./support/sandbox-handlers.ts', import.meta.url));
const settings = { functionName: 'sandbox-test', region: 'us-east-1', memoryLimitInMB: 128, timeoutMs: 5_000 };
// No request leaves these handlers; the endpoints only fill the environment.
const emulators = { dynamodb: 'http://127.0.0.1:9', s3: 'http://127.0.0.1:9', sqs: 'http://127.0.0.1:9' };

const started: WorkerSandbox<unknown, unknown>[] = [];
const sandbox = async (exportName: string, extra: Partial<Parameters<typeof startWorkerSandbox>[0]> = {}) => {
  const created = await startWorkerSandbox<unknown, unknown>({ module: HANDLERS, exportName, settings, env: { SANDBOX_TEST_VALUE: 'from-env' }, emulators, ...extra });
  started.push(created);
  return created;
};
let folder: string | undefined;

afterEach(async () => {
  await Promise.all(started.splice(0).map((created) => created.stop()));
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('a sandbox in a worker thread', () => {
  it("runs the handler file with the function's environment and the invocation's remaining time", async () => {
    const echo = await sandbox('echo');
    const answer = (await echo.invoke({ value: 7 }, createLambdaContext({ ...settings, timeoutMs: 3_000 }))) as { value: number; env: string; remainingMs: number };
    expect(answer.value).toBe(7);
    expect(answer.env).toBe('from-env');
    expect(answer.remainingMs).toBeGreaterThan(0);
    expect(answer.remainingMs).toBeLessThanOrEqual(3_000);
  });

  it("passes the handler's error on, with its name, and stays usable", async () => {
    const failing = await sandbox('fail');
    await expect(failing.invoke({}, createLambdaContext(settings))).rejects.toMatchObject({ name: 'RangeError', message: 'the handler failed' });
    await expect(failing.invoke({}, createLambdaContext(settings))).rejects.toMatchObject({ name: 'RangeError' });
  });

  it('stops the code of a timed-out invocation: nothing it does runs after the timeout', async () => {
    folder = await mkdtemp(join(tmpdir(), 'echo-ridge-sandbox-'));
    const file = join(folder, 'ticks');
    const pool = createSandboxPool(() => sandbox('tickForever'), { ...settings, timeoutMs: 300, maxConcurrency: 1 });
    await expect(pool.invoke({ file })).rejects.toThrow(InvocationTimeoutError);
    const atTimeout = (await stat(file)).size;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await readFile(file, 'utf8')).length).toBe(atTimeout);
    expect(atTimeout).toBeGreaterThan(0);
  });

  it('dies before answering when its faults say so, and the pool replaces it', async () => {
    let created = 0;
    const passing = crashOnce(() => false, 'before');
    const faults = { invocation: () => ({ ...passing.invocation(), crashBeforeAnswer: created === 1 }) };
    const pool = createSandboxPool(
      () => {
        created += 1;
        return sandbox('echo', { faults });
      },
      { ...settings, maxConcurrency: 1, diedOf: (error) => error instanceof SandboxCrashError },
    );
    await expect(pool.invoke({ value: 1 })).rejects.toThrow(SandboxCrashError);
    await expect(pool.invoke({ value: 2 })).resolves.toMatchObject({ value: 2 });
    expect(created).toBe(2);
  });
});
