import type { ValidationIssue } from '../schema.js';

/**
 * A hybrid input (pipeline record, AI score, blend options) that cannot be used. `code` and `issues`
 * are what the CLI and the API report; every issue names the field and the rule it breaks.
 */
export class HybridInputError extends Error {
  override readonly name = 'HybridInputError';
  readonly code = 'VALIDATION_FAILED';

  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super(message);
  }

  /** Puts every issue into the message too, so that a log line alone says what to fix. */
  static fromIssues(subject: string, issues: ValidationIssue[]): HybridInputError {
    return new HybridInputError(`${subject}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`, issues);
  }
}
