import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { createLambdaContext } from './lambda-context.js';
import type { WorkerReply, WorkerRequest, WorkerSandboxData } from './worker-sandbox.js';

// Inside the sandbox's thread: load the function's module as Lambda loads its handler file (cold start,
// with the function's environment as process.env), then serve one invocation per message.
const { module, exportName, settings } = workerData as WorkerSandboxData;
const port = parentPort!;
const handler = ((await import(module.startsWith('/') ? pathToFileURL(module).href : module)) as Record<string, unknown>)[exportName];
if (typeof handler !== 'function') throw new Error(`${module} exports no function ${exportName}`);

const serialisable = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) });

port.on('message', (message: WorkerRequest) => {
  const context = createLambdaContext({ ...settings, timeoutMs: message.remainingMs });
  (handler as (event: unknown, context: unknown) => Promise<unknown>)(message.event, context).then(
    (result) => port.postMessage({ id: message.id, result } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ id: message.id, error: serialisable(error) } satisfies WorkerReply),
  );
});
port.postMessage({ ready: true });
