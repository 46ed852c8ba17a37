// The few git operations releases and promotions need, run with zx: each argument is quoted
// for the shell zx starts, so none is ever interpreted by it.
import { PavedError, UsageError } from '@paved/frame';
import { $ } from 'zx/core';
import type { Commit } from './conventional.js';

export class GitError extends PavedError {
  override name = 'GitError';
}

/** The folder is not a repository with a commit: the user's to fix (exit 2), not git failing. */
export class NotARepositoryError extends UsageError {
  override name = 'NotARepositoryError';
}

export interface GitOptions {
  input?: string;
  env?: Record<string, string>;
  /** keep stdout byte for byte (file contents); otherwise the final newline is dropped */
  raw?: boolean;
}

export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const result = await $({
    cwd,
    nothrow: true,
    quiet: true,
    ...(options.input !== undefined ? { input: options.input } : {}),
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
  })`git ${args}`;
  if (result.exitCode !== 0) {
    const detail = (result.stderr || result.stdout).trim();
    throw new GitError(`git ${args[0] ?? ''} failed in ${cwd}: ${detail || `exit code ${String(result.exitCode)}`}`);
  }
  return options.raw ? result.stdout : result.stdout.replace(/\r?\n$/, '');
}

export async function ensureRepository(cwd: string): Promise<void> {
  try {
    await git(cwd, ['rev-parse', '--git-dir']);
  } catch {
    throw new NotARepositoryError(`${cwd} is not a git repository; run the command inside the service's repository (or pass --cwd)`);
  }
  try {
    await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  } catch {
    throw new NotARepositoryError(`the repository in ${cwd} has no commits yet; commit something first`);
  }
}

export async function isShallow(cwd: string): Promise<boolean> {
  return (await git(cwd, ['rev-parse', '--is-shallow-repository'])) === 'true';
}

/** Tags whose commit is an ancestor of HEAD (tags on other branches are not ours). */
export async function reachableTags(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['tag', '--merged', 'HEAD', '--list']);
  return out === ''
    ? []
    : out
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean);
}

export async function tagExists(cwd: string, tag: string): Promise<boolean> {
  try {
    await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`]);
    return true;
  } catch {
    return false;
  }
}

const RECORD = '\x1e';
const FIELD = '\x00';

/** Commits reachable from HEAD but not from `since` (all of history when null), newest first. */
export async function commitsSince(cwd: string, since: string | null): Promise<Commit[]> {
  const range = since ? [`refs/tags/${since}..HEAD`] : ['HEAD'];
  // git writes the separators itself (%x00, %x1e): argv cannot carry NUL bytes
  const out = await git(cwd, ['log', '--format=%H%x00%B%x1e', ...range]);
  return out
    .split(RECORD)
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.includes(FIELD))
    .map((record) => {
      const at = record.indexOf(FIELD);
      return { sha: record.slice(0, at), message: record.slice(at + 1) };
    });
}

export async function headSha(cwd: string): Promise<string> {
  return git(cwd, ['rev-parse', 'HEAD']);
}

export async function isDirty(cwd: string, path: string): Promise<boolean> {
  return (await git(cwd, ['status', '--porcelain', '--', path])) !== '';
}

/** The https URL of `origin`, for links in notes; null when there is no usable remote. */
export async function originUrl(cwd: string): Promise<string | null> {
  let url: string;
  try {
    url = await git(cwd, ['remote', 'get-url', 'origin']);
  } catch {
    return null;
  }
  return httpsRepoUrl(url);
}

export function httpsRepoUrl(remote: string): string | null {
  const scp = /^[\w.-]+@(?<host>[\w.-]+):(?<path>[\w./-]+?)(?:\.git)?\/?$/.exec(remote);
  if (scp?.groups) return `https://${scp.groups['host']}/${scp.groups['path']}`;
  let parsed: URL;
  try {
    parsed = new URL(remote);
  } catch {
    return null;
  }
  if (!['https:', 'http:', 'ssh:'].includes(parsed.protocol)) return null;
  const path = parsed.pathname.replace(/\.git$/, '').replace(/\/$/, '');
  if (path === '') return null;
  // never carry credentials (https://x-access-token:...@host) into notes
  return `https://${parsed.hostname}${path}`;
}
