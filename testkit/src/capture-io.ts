// A command's Io whose streams keep what they are written, so a test runs a command in-process
// (as `paved` runs the pipelines and platform commands) and reads what it printed.
import { tmpdir } from 'node:os';
import type { Io } from '@paved/frame';

/** A writable that keeps its text, and the same text as lines (kept current as it is written). */
export class TextCapture {
  text = '';
  readonly lines: string[] = [];
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const body = this.text.endsWith('\n') ? this.text.slice(0, -1) : this.text;
    this.lines.splice(0, this.lines.length, ...(body === '' ? [] : body.split('\n')));
    return true;
  }
  get stream(): NodeJS.WritableStream {
    return this as unknown as NodeJS.WritableStream;
  }
}

export interface CapturedIo extends Io {
  /** Everything printed on stdout / stderr so far. */
  out(): string;
  err(): string;
  /** The same, as lines; the arrays stay current, so they may be taken before the command runs. */
  outLines: string[];
  errLines: string[];
}

/** An Io with no terminal, in `cwd` (default: the system's temporary folder) with `env` (default: none). */
export function captureIo(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CapturedIo {
  const stdout = new TextCapture();
  const stderr = new TextCapture();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? tmpdir(),
    interactive: false,
    out: () => stdout.text,
    err: () => stderr.text,
    outLines: stdout.lines,
    errLines: stderr.lines,
  };
}
