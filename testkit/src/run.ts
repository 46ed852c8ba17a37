import { $ } from 'zx/core';

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
 * Runs a program with zx, the repository's one process runner: every argument is quoted for
 * the shell zx starts, so none is re-parsed. A non-zero exit is returned, not thrown: linters
 * use it to say "found something".
 */
export async function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await $({
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    nothrow: true,
    quiet: true,
    // stdin is closed unless there is input: a tool that reads it must not wait on the runner's
    ...(opts.input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] as const } : { input: opts.input }),
  })`${command} ${[...args]}`;
  if (result.exitCode === 127 && /command not found|No such file/.test(result.stderr)) throw new Error(`could not start ${command}: ${result.stderr.trim()}`);
  return { code: result.exitCode ?? (result.signal ? 128 : 1), stdout: result.stdout, stderr: result.stderr };
}

/** Error for a tool that failed for a reason other than reporting findings. */
export function toolFailure(tool: string, result: RunResult, what: string): Error {
  const output = (result.stderr.trim() || result.stdout.trim()).slice(0, 4000);
  return new Error(`${tool} failed (exit ${result.code}) while ${what}:\n${output}`);
}
