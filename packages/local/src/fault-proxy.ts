import { createServer, request as httpRequest, Agent, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeAwsRequest, type AwsRequest, type AwsService } from './aws-request.js';

/**
 * Faults on the wire between the functions and the emulators: a proxy per service that forwards each
 * request to DynamoDB Local or fauxqs, unless the verdict says to answer as AWS answers a throttled
 * or failed call, to drop the connection before or after the emulator saw the request, or to kill the
 * sandbox that sent it. The functions' code and SDK clients are the real ones: only their endpoints
 * point here.
 */

export type FaultKind = 'throttle' | 'server-error' | 'reset' | 'conflict';

export type Verdict =
  /** To the emulator and back. */
  | { action: 'forward' }
  /** Answered here; the emulator never sees the request. */
  | { action: 'fail'; fault: FaultKind }
  /** The emulator applies the request, then the connection drops: the caller cannot tell whether it happened. */
  | { action: 'lose-answer' }
  /** The sandbox dies before the request leaves it, or right after the emulator applied it. */
  | { action: 'kill'; when: 'before' | 'after' };

export const FORWARD: Verdict = { action: 'forward' };

export type ServiceEndpoints = Record<AwsService, string>;

export interface FaultProxyOptions {
  /** The emulators' endpoints. */
  targets: ServiceEndpoints;
  judge(request: AwsRequest): Verdict;
  /** Kills the sandbox whose request got a kill verdict. */
  kill?(): void;
}

export interface FaultProxy {
  /** Where the functions' SDK clients send their requests instead (`AWS_ENDPOINT_URL_<SERVICE>`). */
  endpoints: ServiceEndpoints;
  /** Requests seen (service, operation, S3 key), for reports and tests. */
  seen: AwsRequest[];
  close(): Promise<void>;
}

const agent = new Agent({ keepAlive: true });

/** The error answers of each service's protocol, as the SDK parses them (and so retries or not). */
function faultAnswer(service: AwsService, fault: Exclude<FaultKind, 'reset'>, body: Buffer): { status: number; headers: OutgoingHttpHeaders; body: string } {
  if (service === 's3') {
    const [status, code, message] = fault === 'throttle' ? [503, 'SlowDown', 'Please reduce your request rate.'] : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
    return { status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>` };
  }
  const json = (status: number, type: string, extra: object = {}) => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type.slice(type.indexOf('#') + 1) },
    body: JSON.stringify({ __type: type, message: `injected ${fault}`, ...extra }),
  });
  if (service === 'sqs') return fault === 'throttle' ? json(400, 'com.amazonaws.sqs#RequestThrottled') : json(500, 'com.amazonaws.sqs#InternalError');
  if (fault === 'throttle') return json(400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException');
  if (fault === 'server-error') return json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError');
  // A transaction that met another one names the item it conflicted on; other writes fail whole.
  const items = (JSON.parse(body.toString('utf8') || '{}') as { TransactItems?: unknown[] }).TransactItems;
  if (items) {
    return json(400, 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', {
      CancellationReasons: items.map((_, i) => (i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' })),
    });
  }
  return json(400, 'com.amazonaws.dynamodb.v20120810#TransactionConflictException');
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forward(target: string, request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: OutgoingHttpHeaders; body: Buffer }> {
  const url = new URL(request.url ?? '/', target);
  // The body is sent whole, so the client's 100-continue handshake ended here.
  const { expect: _expect, ...headers } = request.headers;
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(url, { method: request.method, headers: { ...headers, 'content-length': String(body.length) }, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

async function listen(service: AwsService, options: FaultProxyOptions, seen: AwsRequest[]) {
  const sockets = new Set<Socket>();
  const drop = (response: ServerResponse) => response.socket?.destroy();
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const described = describeAwsRequest(service, request.method ?? 'GET', request.url ?? '/', request.headers, service === 's3' ? undefined : body);
      seen.push({ service: described.service, operation: described.operation, ...(described.key !== undefined && { key: described.key }) });
      const verdict = options.judge(described);
      if (verdict.action === 'kill' && verdict.when === 'before') {
        options.kill?.();
        return drop(response);
      }
      if (verdict.action === 'fail') {
        if (verdict.fault === 'reset') return drop(response);
        const answer = faultAnswer(service, verdict.fault, body);
        response.writeHead(answer.status, answer.headers);
        return response.end(answer.body);
      }
      const answer = await forward(options.targets[service], request, body);
      if (verdict.action === 'kill') {
        options.kill?.();
        return drop(response);
      }
      if (verdict.action === 'lose-answer') return drop(response);
      const { 'transfer-encoding': _chunked, connection: _connection, ...headers } = answer.headers;
      response.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      response.end(answer.body);
    })().catch(() => drop(response));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const seen: AwsRequest[] = [];
  const [dynamodb, s3, sqs] = await Promise.all((['dynamodb', 's3', 'sqs'] as const).map((service) => listen(service, options, seen)));
  return {
    endpoints: { dynamodb: dynamodb!.endpoint, s3: s3!.endpoint, sqs: sqs!.endpoint },
    seen,
    async close() {
      await Promise.all([dynamodb!.close(), s3!.close(), sqs!.close()]);
    },
  };
}

/** The functions' environment pointed at a proxy instead of the emulators. */
export const endpointEnv = (endpoints: ServiceEndpoints): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
});
