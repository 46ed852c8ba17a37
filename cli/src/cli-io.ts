// The frame the create, update and publish commands and `paved` share: the process's streams,
// environment and folder as one value (tests pass their own), and how an error is printed and
// becomes an exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PavedError, UsageError } from './errors.js';

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
    [code, message] = [130, 'cancelled; nothing was written'];
    io.stderr.write(`${command}: ${message}\n`);
  } else {
    [code, message] = [1, error instanceof Error ? error.message : String(error)];
    io.stderr.write(`${command}: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  if (json) io.stdout.write(`${JSON.stringify({ error: { command, message, ...(hint ? { hint } : {}), exitCode: code } })}\n`);
  return code;
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs gives for these options, positionals allowed. */
type ParsedFlags<T extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/**
 * The command line parsed against `options`, strictly; an unknown option is a usage error that
 * names the nearest known one ("--tempalte": did you mean --template?).
 */
export function parseFlags<T extends FlagOptions>(argv: string[], options: T, command: string): ParsedFlags<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    let message = (cause as Error).message.replace(/\. To specify a positional.*$/s, '');
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown.replace(/^-+/, ''), Object.keys(options));
    if (near !== undefined) message += `; did you mean --${near}?`;
    throw new UsageError(message, `run \`${command} --help\` for the options`);
  }
}

/** The candidate a typo most likely meant: within two edits (e.g. "relase", "tempalte"), else none. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  const [best] = candidates.map((candidate) => ({ candidate, d: distance(typed, candidate) })).sort((x, y) => x.d - y.d);
  return best && best.d <= 2 ? best.candidate : undefined;
}
