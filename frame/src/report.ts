import { EXIT, PavedError } from './errors.js';
import type { Io } from './io.js';

/**
 * Prints a user-facing error (no stack) or a bug (with stack) and returns the exit code. With
 * `json` (the command was asked for --json), the error is also one JSON object on stdout, so a
 * script reading stdout gets a document either way.
 */
export function reportError(error: unknown, io: Pick<Io, 'stdout' | 'stderr'>, command: string, json = false): number {
  let code: number;
  let message: string;
  let hint: string | undefined;
  if (error instanceof PavedError) {
    [code, message, hint] = [error.exitCode, error.message, error.hint];
    io.stderr.write(`${command}: error: ${message}\n${hint ? `  ${hint}\n` : ''}`);
  } else if (error instanceof Error && error.name === 'AbortError') {
    [code, message] = [EXIT.cancelled, 'cancelled; nothing was written'];
    io.stderr.write(`${command}: ${message}\n`);
  } else {
    [code, message] = [EXIT.failure, error instanceof Error ? error.message : String(error)];
    io.stderr.write(`${command}: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  if (json) io.stdout.write(`${JSON.stringify({ error: { command, message, ...(hint ? { hint } : {}), exitCode: code } })}\n`);
  return code;
}
