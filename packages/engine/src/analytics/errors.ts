/** Input data that an analysis cannot run on; the message says what is missing and how to fix it. */
export class AnalyticsInputError extends Error {
  override readonly name = 'AnalyticsInputError';
}
