import { MAX_PAGE_SIZE } from '@echo-ridge/store/schemas';
import * as v from 'valibot';

/** A `true`/`false` query flag, false when absent; `description` says what `true` asks for. */
export const queryFlag = (description: string) =>
  v.pipe(
    v.optional(
      v.pipe(
        v.picklist(['true', 'false'], 'must be true or false'),
        v.transform((value) => value === 'true'),
      ),
      'false',
    ),
    v.description(description),
  );

const PAGE_SIZE_RULE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

/** `limit` and `cursor` of a paginated listing. */
export const PageQueryEntries = {
  limit: v.pipe(
    v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,4}$/, PAGE_SIZE_RULE), v.transform(Number), v.minValue(1, PAGE_SIZE_RULE), v.maxValue(MAX_PAGE_SIZE, PAGE_SIZE_RULE)),
      '20',
    ),
    v.description(`Items per page, 1 to ${MAX_PAGE_SIZE}.`),
  ),
  cursor: v.pipe(
    v.optional(v.pipe(v.string(), v.nonEmpty('must be the next_cursor of the previous page'))),
    v.description('The `next_cursor` of the previous page, unchanged; absent for the first page.'),
  ),
};
