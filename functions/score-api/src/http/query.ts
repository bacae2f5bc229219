import { validateWith } from '@echo-ridge/engine';
import { MAX_PAGE_SIZE } from '@echo-ridge/store';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as v from 'valibot';
import { invalidParameters } from './errors.js';

/** A `true`/`false` query flag, false when absent. */
export const QueryFlagSchema = v.optional(
  v.pipe(
    v.picklist(['true', 'false'], 'must be true or false'),
    v.transform((value) => value === 'true'),
  ),
  'false',
);

const PAGE_SIZE_RULE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

/** `limit` and `cursor` of a paginated listing. */
export const PageQueryEntries = {
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/, PAGE_SIZE_RULE), v.transform(Number), v.minValue(1, PAGE_SIZE_RULE), v.maxValue(MAX_PAGE_SIZE, PAGE_SIZE_RULE)),
    '20',
  ),
  cursor: v.optional(v.pipe(v.string(), v.nonEmpty('must be the next_cursor of the previous page'))),
};

/** Parses the query string; every bad parameter is named in the 400 answer. */
export function readQuery<S extends v.GenericSchema>(schema: S, event: APIGatewayProxyEvent): v.InferOutput<S> {
  const result = validateWith(schema, event.queryStringParameters ?? {});
  if (!result.ok) throw invalidParameters(result.issues);
  return result.value;
}
