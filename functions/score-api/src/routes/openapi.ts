import { buildOpenApiDocument, type OpenApiDocument } from '@echo-ridge/contract/openapi';
import type { Reply } from '../http/reply.js';

let document: OpenApiDocument | undefined;

/**
 * GET /openapi.json (no API key): the OpenAPI document of the contract this function serves, built on
 * the first request rather than at every cold start, then kept for the life of the instance.
 */
export function serveOpenApi(): Reply {
  document ??= buildOpenApiDocument();
  return { statusCode: 200, body: document, withRequestId: false, headers: { 'cache-control': 'public, max-age=300' } };
}
