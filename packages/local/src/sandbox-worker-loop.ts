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

/**
 * An error as the invoker sees it. Powertools' FullBatchFailureError says only "See individual errors
 * below" (Lambda's log prints the record errors after it), so their messages are added here.
 */
function serialisable(error: unknown): WorkerReply['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const causes: unknown = (error as { recordErrors?: unknown }).recordErrors;
  const detail = Array.isArray(causes) ? causes.map((cause) => (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))) : [];
  return { name: error.name, message: [error.message, ...detail].join('\n  '), stack: error.stack };
}

port.on('message', (message: WorkerRequest) => {
  const context = createLambdaContext({ ...settings, timeoutMs: message.remainingMs });
  (handler as (event: unknown, context: unknown) => Promise<unknown>)(message.event, context).then(
    (result) => port.postMessage({ id: message.id, result } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ id: message.id, error: serialisable(error) } satisfies WorkerReply),
  );
});
port.postMessage({ ready: true });
