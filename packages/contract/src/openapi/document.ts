import { API_VERSION } from '@echo-ridge/engine';
import type { JsonSchema } from '@valibot/to-json-schema';
import { ERROR_STATUSES, RETRY_AFTER_STATUSES, type ErrorStatus } from '../errors.js';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKeySchema } from '../idempotency.js';
import { OPERATIONS, type Operation } from '../routes.js';
import { ErrorBodySchema } from '../schemas.js';
import { componentRef, componentSchemas, parameterSchema } from './json-schema.js';

/** The parts of an OpenAPI 3.1 document this API uses. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string; variables?: Record<string, { default: string; description: string }> }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, object>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, object>;
    responses: Record<string, object>;
    securitySchemes: Record<string, object>;
  };
}

const API_KEY_SCHEME = 'ApiKey';
const JSON_MEDIA_TYPE = 'application/json';

const errorResponseName = (status: ErrorStatus) => `Error${status}`;

/** A header every route reads: the handler echoes it in the answer and logs it with every line of the request. */
const CORRELATION_ID = {
  name: 'x-correlation-id',
  in: 'header',
  required: false,
  description:
    'Your id for the request, echoed in `x-correlation-id` and logged with every line of the request: a plain token (letters, digits, `_`, `.`, `:`, `-`) of up to 128 characters, else the request id stands in for it.',
  schema: { type: 'string' },
};

/** The header of the writes that can be made idempotent (routes marked `idempotent`). */
function idempotencyKeyParameter(): object {
  const { description, ...schema } = parameterSchema(IdempotencyKeySchema);
  return { name: IDEMPOTENCY_KEY_HEADER, in: 'header', required: false, description, schema };
}

const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before sending the request again.', schema: { type: 'string', pattern: '^\\d+$' } },
};

function errorResponses(): Record<string, object> {
  return Object.fromEntries(
    (Object.keys(ERROR_STATUSES).map(Number) as ErrorStatus[]).map((status) => [
      errorResponseName(status),
      {
        description: ERROR_STATUSES[status],
        ...(RETRY_AFTER_STATUSES.includes(status) && { headers: RETRY_AFTER_HEADER }),
        content: { [JSON_MEDIA_TYPE]: { schema: componentRef(ErrorBodySchema) } },
      },
    ]),
  );
}

function parameters(operation: Operation): object[] {
  const path = Object.entries(operation.pathParameters ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } }));
  const query = Object.entries(operation.query?.entries ?? {}).map(([name, schema]) => {
    const { description, ...rest } = parameterSchema(schema);
    return { name, in: 'query', required: schema.type !== 'optional', description, schema: rest };
  });
  const idempotency = operation.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : [];
  return [...path, ...query, { $ref: '#/components/parameters/CorrelationId' }, ...idempotency];
}

function operationObject(operationId: string, operation: Operation): object {
  const answers = Object.entries(operation.responses).map(([status, { description, schema }]): [string, object] => [
    status,
    { description, content: { [JSON_MEDIA_TYPE]: { schema: componentRef(schema) } } },
  ]);
  const errors = operation.errors.map((status): [string, object] => [String(status), { $ref: `#/components/responses/${errorResponseName(status)}` }]);
  return {
    operationId,
    summary: operation.summary,
    description: operation.description,
    // The document-wide requirement is the API key; the routes served without one say so.
    ...(!operation.apiKeyRequired && { security: [] }),
    parameters: parameters(operation),
    ...(operation.body && { requestBody: { required: true, content: { [JSON_MEDIA_TYPE]: { schema: componentRef(operation.body) } } } }),
    responses: Object.fromEntries([...answers, ...errors].sort(([a], [b]) => Number(a) - Number(b))),
  };
}

function paths(): OpenApiDocument['paths'] {
  const byPath: OpenApiDocument['paths'] = {};
  for (const [operationId, operation] of Object.entries(OPERATIONS)) {
    byPath[operation.path] = { ...byPath[operation.path], [operation.method.toLowerCase()]: operationObject(operationId, operation) };
  }
  return byPath;
}

/**
 * The OpenAPI 3.1 document of the API, built from the route table and the very schemas the handler
 * validates with: it cannot describe a route, parameter or body the handler does not have.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Echo Ridge API',
      version: API_VERSION,
      description:
        'Scores companies for AI readiness. Every route but `/healthz` and `/openapi.json` needs an API key in `x-api-key`. Every body carries `request_id`, and every error is `{error: {code, message, issues?}, request_id}`.',
    },
    servers: [
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/v1',
        description: 'A deployed stage (the stack outputs its URL).',
        variables: {
          restApiId: { default: 'restApiId', description: 'The id of the REST API.' },
          region: { default: 'us-east-1', description: 'The AWS region the stack is deployed to.' },
        },
      },
      { url: 'http://127.0.0.1:3000', description: '`pnpm start` on this machine.' },
    ],
    security: [{ [API_KEY_SCHEME]: [] }],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      parameters: { CorrelationId: CORRELATION_ID, IdempotencyKey: idempotencyKeyParameter() },
      responses: errorResponses(),
      securitySchemes: {
        [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A key on a usage plan; `pnpm start` prints a dev key.' },
      },
    },
  };
}

/** The document as `docs/openapi.json` holds it: two-space indents and a final newline, so diffs stay readable. */
export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
