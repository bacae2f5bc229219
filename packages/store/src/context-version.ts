import * as v from 'valibot';

/** A version becomes an object key and a sort key: letters, digits and `._-` only. */
export const ContextVersionSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a context version: letters, digits, ".", "_" and "-", at most 128 characters'),
);
