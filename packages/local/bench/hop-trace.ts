/**
 * Preloaded into `pnpm start`'s runtime by http.bench.ts (`node --import tsx --import <this file>`):
 * timestamps every request at each hop, from Node's own HTTP diagnostics channels, without a line of
 * tracing in the runtime itself. Per request, into HOP_TRACE_FILE, one JSON line:
 *   in      the gateway's server saw the request (http.server.request.start)
 *   log     the handler's first log line (its `request started`), and the time spent writing logs
 *   calls   each HTTP call the handler made (DynamoDB, S3): sent, and its response read to the end
 *   out     the gateway finished the response (http.server.response.finish)
 * Every second, the event loop's delay over that second, and its utilization (the share of the second
 * the main thread, where the gateway and every API sandbox run, spent working rather than waiting). Times are wall-clock milliseconds with
 * microsecond precision (performance.timeOrigin + performance.now()), comparable across processes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.HOP_TRACE_FILE;
if (file === undefined) throw new Error('hop-trace.ts needs HOP_TRACE_FILE');

const now = () => performance.timeOrigin + performance.now();

interface Trace {
  /** The x-bench-request header: the load generator's number for the request. */
  id: string | undefined;
  path: string;
  in: number;
  log?: number;
  logMs: number;
  calls: { to: string; sent: number; done?: number }[];
}

const current = new AsyncLocalStorage<Trace>();
const traces = new WeakMap<ServerResponse, Trace>();

subscribe('http.server.request.start', (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const id = request.headers['x-bench-request'];
  const trace: Trace = { id: typeof id === 'string' ? id : undefined, path: `${request.method} ${request.url}`, in: now(), logMs: 0, calls: [] };
  traces.set(response, trace);
  // The gateway's handler runs right after this, synchronously: it and all it awaits carry the trace.
  current.enterWith(trace);
});

subscribe('http.server.response.finish', (message) => {
  const { response } = message as { response: ServerResponse };
  const trace = traces.get(response);
  if (trace) appendFileSync(file, `${JSON.stringify({ ...trace, status: response.statusCode, out: now() })}\n`);
});

subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  const trace = current.getStore();
  if (!trace) return;
  const call: Trace['calls'][number] = { to: String(request.getHeader('x-amz-target') ?? `${request.method} ${request.host}${request.path}`), sent: now() };
  trace.calls.push(call);
  // The response's end, as the SDK sees it (its listener came first); the diagnostics channel's
  // response.finish comes only when the socket is handed back, after the handler has moved on.
  request.once('response', (response: IncomingMessage) => response.once('end', () => (call.done = now())));
});

// Log lines: when the handler first wrote one, and how long writing them all took (a pipe or file write is synchronous).
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((...args: Parameters<typeof write>) => {
  const trace = current.getStore();
  const started = now();
  const written = write(...args);
  if (trace) {
    trace.log ??= started;
    trace.logMs += now() - started;
  }
  return written;
}) as typeof process.stdout.write;

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let utilization = performance.eventLoopUtilization();
setInterval(() => {
  const since = performance.eventLoopUtilization(utilization);
  utilization = performance.eventLoopUtilization();
  appendFileSync(file, `${JSON.stringify({ eventLoop: now(), p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, busy: since.utilization })}\n`);
  delay.reset();
}, 1000).unref();
