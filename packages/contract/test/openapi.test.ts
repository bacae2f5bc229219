import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_STATUSES, OPERATIONS } from '../src/index.js';
import { buildOpenApiDocument, renderOpenApiDocument } from '../src/openapi/index.js';
import { OPENAPI_PATH } from '../scripts/openapi-path.js';

const document = buildOpenApiDocument();
const operations = Object.entries(OPERATIONS);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is what docs/openapi.json holds (run `pnpm openapi` after changing a route or schema)', async () => {
    expect(await readFile(OPENAPI_PATH, 'utf8')).toBe(renderOpenApiDocument());
  });

  it('describes every route of the table and nothing else', () => {
    const described = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual(operations.map(([, { method, path }]) => `${method} ${path}`).sort());
  });

  it.each(operations)('%s: its parameters, body and every status it answers', (operationId, operation) => {
    const described = document.paths[operation.path]?.[operation.method.toLowerCase()] as Record<string, unknown>;
    expect(described).toMatchObject({ operationId });
    const parameters = described.parameters as { name?: string; in?: string; $ref?: string }[];
    expect(parameters.map(({ name, in: place, $ref }) => $ref ?? `${place}:${name}`)).toEqual([
      ...Object.keys('pathParameters' in operation ? operation.pathParameters : {}).map((name) => `path:${name}`),
      ...Object.keys('query' in operation ? operation.query.entries : {}).map((name) => `query:${name}`),
      '#/components/parameters/CorrelationId',
      // The writes that can be made idempotent take the header, and may answer 409 (a request with the key still running).
      ...('idempotent' in operation ? ['#/components/parameters/IdempotencyKey'] : []),
    ]);
    expect(operation.errors.includes(409)).toBe('idempotent' in operation);
    expect(described.requestBody !== undefined).toBe('body' in operation);
    expect(Object.keys(described.responses as object).map(Number).sort()).toEqual([...Object.keys(operation.responses).map(Number), ...operation.errors].sort());
  });

  it('answers every error with the error body, and 409, 429 and 503 with Retry-After', () => {
    const { responses } = document.components;
    expect(Object.keys(responses)).toEqual(Object.keys(ERROR_STATUSES).map((status) => `Error${status}`));
    for (const [name, response] of Object.entries(responses)) {
      expect([name, response]).toEqual([name, expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } })]);
      expect([name, 'headers' in response]).toEqual([name, ['Error409', 'Error429', 'Error503'].includes(name)]);
    }
    expect(document.components.schemas.ErrorBody).toMatchObject({
      properties: { error: { properties: { code: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array' } }, required: ['code', 'message'] } },
      required: ['error', 'request_id'],
    });
  });

  it('documents Idempotency-Key with its lifetime, the 409 and the 422 of a reused key', () => {
    expect(document.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false, description: expect.stringContaining('24 hours') });
    expect(document.components.responses.Error422).toMatchObject({ description: expect.stringContaining('IDEMPOTENCY_KEY_REUSED') });
    expect(document.components.responses.Error409).toMatchObject({ description: expect.stringContaining('IDEMPOTENCY_IN_PROGRESS') });
  });

  it('asks for the x-api-key header everywhere but on the routes API Gateway serves without a key', () => {
    expect(document.security).toEqual([{ ApiKey: [] }]);
    expect(document.components.securitySchemes.ApiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    for (const [operationId, { path, method, apiKeyRequired }] of operations) {
      const { security } = document.paths[path]?.[method.toLowerCase()] as { security?: unknown[] };
      expect([operationId, security]).toEqual([operationId, apiKeyRequired ? undefined : []]);
    }
  });

  it('states in words the rules JSON Schema cannot hold, and leaves out case-insensitive patterns', () => {
    const company = document.components.schemas.Company as { properties: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    expect(company.properties.digital?.properties.pagespeed).toEqual({ type: 'number', description: 'must be an integer from 0 to 100' });
    expect(company.properties.meta?.properties.scrape_ts).not.toHaveProperty('pattern');
  });
});
