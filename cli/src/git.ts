import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PavedError } from './errors.js';

const run = promisify(execFile);

/** Branch that holds pristine template renders, one commit per template version (used by `paved update`). */
export const TEMPLATE_BRANCH = 'paved/template';

/** Runs git with arguments (never a shell), failing with git's own message. */
export async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new PavedError('git is not installed or not on PATH', { cause, hint: 'install git, or pass --no-git' });
    throw new PavedError(`git ${args[0] ?? ''} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}`, { cause });
  }
}

/**
 * Identity flags for commits made on the user's behalf when git has none configured, so a
 * first-time machine still gets its initial commit (the user can amend the author later).
 */
async function identityArgs(cwd: string): Promise<string[]> {
  const has = async (key: string): Promise<boolean> =>
    (await git(cwd, ['config', '--get', key]).catch(() => '')).trim() !== '';
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
