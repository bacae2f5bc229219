import * as v from 'valibot';

/**
 * `Idempotency-Key`: the writes that accept it (routes marked `idempotent`) do what a request with a
 * given key does once. The same key with the same query and body, while the first request runs, is a
 * 409; after it answered, the same answer again (marked `idempotent-replayed: true`) and nothing stored
 * twice, even when an earlier attempt failed half-way; with another query or body, a 422. Keys are the
 * caller's tenant's own, per route, and remembered for IDEMPOTENCY_KEY_LIFETIME_SECONDS.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The header the answer to a request sent again carries. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** 24 hours: far beyond any client's retries, short enough that the records stay few. */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 60 * 60;

export const IdempotencyKeySchema = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters (a UUID, say)'),
  v.description(
    `Makes the write idempotent for ${IDEMPOTENCY_KEY_LIFETIME_SECONDS / 3600} hours: the same key with the same query and body is scored and stored once, and sent again it gets the first answer again (with \`idempotent-replayed: true\`) or, while the first request is still running, a 409. The same key with another query or body is a 422. Use a new key (a UUID) for every logical request and the same one for its retries; the typed client does.`,
  ),
);
