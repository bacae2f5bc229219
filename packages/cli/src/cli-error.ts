/** A failure the user can fix (bad flag, missing file, invalid context): one line on stderr, exit 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Exit codes: 0 the run completed (even with bad lines), 1 a check found problems, 2 the run could not start. */
export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 70 } as const;
