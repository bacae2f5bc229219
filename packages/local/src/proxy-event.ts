import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ResourceMatch } from './api-resources.js';

/** Who called a keyed method, as the stack's authorizer reports it. */
export interface Caller {
  apiKey: string;
  apiKeyId: string;
  tenant: string;
}

export interface EventFacts extends ResourceMatch {
  requestId: string;
  stage: string;
  /** The caller, when the method requires a key. */
  caller: Caller | null;
  body: string;
}

function groupPairs(pairs: Iterable<[string, string]>): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of pairs) (grouped[name] ??= []).push(value);
  return grouped;
}

/** Single-value maps keep the last value, as API Gateway does; both are null when empty. */
function lastValues(grouped: Record<string, string[]>): Record<string, string> | null {
  const entries = Object.entries(grouped);
  return entries.length === 0 ? null : Object.fromEntries(entries.map(([name, values]) => [name, values[values.length - 1]!]));
}

function headerPairs(rawHeaders: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.requestTime` as API Gateway writes it: 26/Nov/2026:21:49:15 +0000. */
function requestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad).join(':');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${clock} +0000`;
}

/**
 * The REST API proxy event API Gateway would send for this request: header names as the client
 * wrote them, the path still percent-encoded, query and path parameters decoded.
 */
export function toProxyEvent(request: IncomingMessage, { requestId, stage, resource, pathParameters, caller, body }: EventFacts): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const headers = groupPairs(headerPairs(request.rawHeaders));
  const query = groupPairs(url.searchParams.entries());
  const now = new Date();
  return {
    resource,
    path: url.pathname,
    httpMethod: method,
    headers: lastValues(headers) ?? {},
    multiValueHeaders: headers,
    queryStringParameters: lastValues(query),
    multiValueQueryStringParameters: Object.keys(query).length === 0 ? null : query,
    pathParameters,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // A REQUEST authorizer's context as API Gateway passes it on: its fields plus the principal id.
      authorizer: caller === null ? null : { principalId: caller.apiKeyId, tenant: caller.tenant },
      domainName: request.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      extendedRequestId: requestId,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: caller?.apiKey ?? null,
        apiKeyId: caller?.apiKeyId ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/${stage}${url.pathname}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: resource,
      stage,
    },
  };
}
