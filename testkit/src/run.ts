import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { $, which } from 'zx';

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
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  // Looked up first, so a program that is not there is an error of its own, and a tool's own
  // exit 127 (or a message saying "No such file") stays the tool's result.
  if (!startable(command, cwd, env.PATH ?? ''))
    throw new Error(`could not start ${command}: not found${command.includes('/') ? '' : ' on PATH'} (run node scripts/install-tools.mjs, or install it)`);
  const result = await $({
    cwd,
    env,
    nothrow: true,
    quiet: true,
    // stdin is closed unless there is input: a tool that reads it must not wait on the runner's
    ...(opts.input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] as const } : { input: opts.input }),
  })`${command} ${[...args]}`;
  return { code: result.exitCode ?? (result.signal ? 128 : 1), stdout: result.stdout, stderr: result.stderr };
}

/** The program exists: a path (from cwd) that may be executed, or a name found on PATH. */
function startable(command: string, cwd: string, path: string): boolean {
  if (!command.includes('/')) return which.sync(command, { path, nothrow: true }) !== null;
  try {
    accessSync(resolve(cwd, command), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Error for a tool that failed for a reason other than reporting findings. */
export function toolFailure(tool: string, result: RunResult, what: string): Error {
  const output = (result.stderr.trim() || result.stdout.trim()).slice(0, 4000);
  return new Error(`${tool} failed (exit ${result.code}) while ${what}:\n${output}`);
}
