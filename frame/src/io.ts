// The process's streams, environment and folder as one value, which every command takes (tests
// and `paved`, which runs the other packages' commands, pass their own).

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
 * The real process's streams and environment. A command that can clean up reads `signal`:
 * from then on Ctrl-C (and SIGTERM) abort it (create-service then removes its temporary folder
 * before the process exits). A command that never reads it keeps Node's own handling: the
 * process stops at once, even in the middle of long synchronous work (a platform check).
 */
export function processIo(): Io {
  let controller: AbortController | undefined;
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
    get signal() {
      if (controller === undefined) {
        const cancel = new AbortController();
        process.once('SIGINT', () => cancel.abort());
        process.once('SIGTERM', () => cancel.abort());
        controller = cancel;
      }
      return controller.signal;
    },
  };
}
