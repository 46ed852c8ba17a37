import { PavedError } from '@paved/frame';
import { runProcess, type ProcessResult } from './process.js';

/** Branch that holds pristine template renders, one commit per template version (used by `paved update`). */
export const TEMPLATE_BRANCH = 'paved/template';

export type GitResult = Pick<ProcessResult, 'ok' | 'stdout' | 'stderr'>;

/** Runs git (through the one process runner) and returns its exit status and output; only git missing altogether is an error. */
export async function gitResult(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<GitResult> {
  const result = await runProcess('git', args, { cwd, env });
  if (result.missing) throw new PavedError('git is not installed or not on PATH', { hint: 'install git and run the command again (or pass --no-git)' });
  return result;
}

/** Runs git with arguments (never a shell) and returns its output, failing with git's own message. */
export async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await gitResult(cwd, args, env);
  if (!result.ok) throw new PavedError(`git ${args[0] ?? ''} failed in ${cwd}: ${result.stderr.trim() || 'no output'}`);
  return result.stdout;
}

/**
 * Identity flags for commits made on the user's behalf when git has none configured, so a
 * first-time machine still gets its initial commit (the user can amend the author later).
 */
async function identityArgs(cwd: string): Promise<string[]> {
  const has = async (key: string): Promise<boolean> => (await git(cwd, ['config', '--get', key]).catch(() => '')).trim() !== '';
  const args: string[] = [];
  if (!(await has('user.name'))) args.push('-c', 'user.name=create-service');
  if (!(await has('user.email'))) args.push('-c', 'user.email=create-service@localhost');
  return args;
}

/** `git init` on main, one initial commit of everything, and the template branch at that commit. */
export async function initRepository(dir: string, message: string): Promise<void> {
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['add', '--all']);
  await git(dir, [...(await identityArgs(dir)), 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message]);
  await git(dir, ['branch', TEMPLATE_BRANCH]);
}
