import type { APIGatewayProxyEvent } from 'aws-lambda';

/** API Gateway passes header names as the client sent them; HTTP says they are case-insensitive. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return headers[key];
  }
  return undefined;
}
