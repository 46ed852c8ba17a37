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
