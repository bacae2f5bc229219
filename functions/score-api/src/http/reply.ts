import type { APIGatewayProxyResult } from 'aws-lambda';

/** What a route answers before the envelope is added. */
export interface Reply {
  statusCode: number;
  body: object;
  headers?: Record<string, string>;
  /** False for a body that is a document of its own (the OpenAPI document), which must stay as it is. */
  withRequestId?: false;
}

export const ok = (body: object): Reply => ({ statusCode: 200, body });

/** Every answer but a document carries the request id, so a client can quote it when reporting a problem. */
export function toProxyResult({ statusCode, body, headers, withRequestId }: Reply, requestId: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(withRequestId === false ? body : { ...body, request_id: requestId }),
  };
}
