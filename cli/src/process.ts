import { execFile } from 'node:child_process';

/** What a run gave: a non-zero exit is data here (e.g. git's "no such remote"), not an error. */
export interface ProcessResult {
  ok: boolean;
  /** The command is not installed (or not on PATH). */
  missing: boolean;
  /** As the command wrote it (callers that compare lines trim it). */
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the command is killed (and the run is not ok). */
  timeout?: number;
}

/**
 * create-service's one way of running another program (git, gh): with arguments, never a
 * shell, so no value is ever interpreted by one. Not zx (the runner of the repository's scripts,
 * tests and @paved/pipelines): its module alone took 22-30 ms to load bundled, against 5 ms for
 * node:child_process, and it starts a shell for every call.
 */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ ok: error === null, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT', stdout, stderr });
      },
    );
  });
}
