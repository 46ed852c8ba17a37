/**
 * The exit codes every Paved command uses, and the errors a user can act on. A command prints
 * such an error's message (and its hint) without a stack trace; anything else is a bug and is
 * printed with its stack.
 */

/** One table for create, update, publish, release, promote and platform. */
export const EXIT = {
  /** Done, also when there was nothing to do. */
  ok: 0,
  /** Anything else: a tool failing, I/O, a bug. */
  failure: 1,
  /** Invalid usage or input: flags, names, config files, "not a git repository". */
  usage: 2,
  /** Conflicts left for the user to resolve (update). */
  conflicts: 3,
  /** Cancelled (Ctrl-C); nothing was written. */
  cancelled: 130,
} as const;

export class PavedError extends Error {
  /** Process exit code the command uses for this error. */
  readonly exitCode: number;
  /** One line telling the user how to fix the problem. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PavedError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
  }
}

/** Bad flags, names, values or input files: exit code 2, like most Unix tools. */
export class UsageError extends PavedError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: EXIT.usage, ...(hint === undefined ? {} : { hint }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'UsageError';
  }
}

/** Several problems found at once (e.g. every missing required value), reported together. */
export function combineUsageErrors(problems: string[], hint?: string): UsageError {
  const message = problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  return new UsageError(message, hint);
}
