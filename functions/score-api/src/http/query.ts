import { validateWith } from '@echo-ridge/engine';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as v from 'valibot';
import { invalidParameters } from './errors.js';

/** Parses the query string; every bad parameter is named in the 400 answer. */
export function readQuery<S extends v.GenericSchema>(schema: S, event: APIGatewayProxyEvent): v.InferOutput<S> {
  const result = validateWith(schema, event.queryStringParameters ?? {});
  if (!result.ok) throw invalidParameters(result.issues);
  return result.value;
}
