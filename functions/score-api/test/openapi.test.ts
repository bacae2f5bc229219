import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from '@echo-ridge/contract/openapi';
import { createHandler } from '../src/app.js';
import { apiEvent, captureOutput, lambdaContext } from './support.js';

/** GET /openapi.json: the contract's document as it is, served whatever state the service is in. */

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

it('serves the OpenAPI document of the contract, without the request_id every other body carries', async () => {
  const event = apiEvent({ path: '/openapi.json' });
  // No configuration at all: the document needs none.
  const response = await createHandler({})(event, lambdaContext);
  expect(response.statusCode).toBe(200);
  expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId });
  expect(JSON.parse(response.body)).toEqual(buildOpenApiDocument());
});
