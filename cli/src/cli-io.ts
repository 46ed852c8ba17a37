// The frame the create, update and publish commands and `paved` share: the process's streams,
// environment and folder as one value (tests pass their own), and how an error is printed and
// becomes an exit code.
import { PavedError } from './errors.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when a person can answer prompts (stdin and stdout are terminals). */
  interactive: boolean;
  /** Aborted on Ctrl-C: the write stops and cleans up. */
  signal?: AbortSignal;
}

/**
 * The real process's streams and environment. Ctrl-C (and SIGTERM) abort the signal: the
 * engine then removes its temporary folder before the process exits.
 */
export function processIo(): Io {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  // `create-service … | head -1`: once the reader has gone, the rest of the output has nowhere
  // to go. Stop quietly, as command-line tools do, instead of dying on an unhandled 'error'.
  // Output is printed after the work is done (files written, repository committed).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    stdout: process.stdout,
    // Getters: Node builds a stream object the first time one is touched, and most runs never
    // write to stderr.
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    cwd: process.cwd(),
    // stdout first: when it is not a terminal, stdin's stream is never built.
    interactive: Boolean(process.stdout.isTTY && process.stdin.isTTY),
    signal: controller.signal,
  };
}

/** Prints a user-facing error (no stack) or a bug (with stack) and returns the exit code. */
export function reportError(error: unknown, io: Pick<Io, 'stderr'>, command: string): number {
  if (error instanceof PavedError) {
    io.stderr.write(`${command}: error: ${error.message}\n`);
    if (error.hint) io.stderr.write(`  ${error.hint}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    io.stderr.write(`${command}: cancelled; nothing was written\n`);
    return 130;
  }
  io.stderr.write(`${command}: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
