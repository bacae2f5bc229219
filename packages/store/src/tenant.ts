import * as v from 'valibot';

/**
 * A tenant is a customer: every API key belongs to one, and every item of its data is stored under
 * `TENANT#<id>#…`. The id never holds `#`, so one tenant's keys can never reach into another's.
 */
export const TenantIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit'),
);
export type TenantId = v.InferOutput<typeof TenantIdSchema>;

/** The tenant of `pnpm start`'s dev key and of files dropped in the local inbox. */
export const DEV_TENANT: TenantId = 'dev';
