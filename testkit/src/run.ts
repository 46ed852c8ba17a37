import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs a program without a shell (arguments are never re-parsed) and collects its output.
 * A non-zero exit is returned, not thrown: linters use it to say "found something".
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    if (opts.input !== undefined && child.stdin) child.stdin.end(opts.input);
  });
}

/** Error for a tool that failed for a reason other than reporting findings. */
export function toolFailure(tool: string, result: RunResult, what: string): Error {
  const output = (result.stderr.trim() || result.stdout.trim()).slice(0, 4000);
  return new Error(`${tool} failed (exit ${result.code}) while ${what}:\n${output}`);
}
