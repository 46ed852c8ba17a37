/**
 * Errors the user can act on. The CLI prints `message` (and `hint` when given) without a
 * stack trace; anything else is a bug and is reported with its stack.
 */
export class PavedError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** One line telling the user how to fix the problem. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PavedError';
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad flags, names or values: exit code 2, like most Unix tools. */
export class UsageError extends PavedError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? { exitCode: 2 } : { exitCode: 2, hint });
    this.name = 'UsageError';
  }
}

/** Several problems found at once (e.g. every missing required value), reported together. */
export function combineUsageErrors(problems: string[], hint?: string): UsageError {
  const message = problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  return new UsageError(message, hint);
}
