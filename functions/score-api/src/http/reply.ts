import type { APIGatewayProxyResult } from 'aws-lambda';

/** What a route answers before the envelope is added. */
export interface Reply {
  statusCode: number;
  body: object;
  headers?: Record<string, string>;
}

export const ok = (body: object): Reply => ({ statusCode: 200, body });

/** Every body carries the request id, so a client can quote it when reporting a problem. */
export function toProxyResult({ statusCode, body, headers }: Reply, requestId: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...body, request_id: requestId }),
  };
}
