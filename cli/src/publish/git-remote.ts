import { PavedError, UsageError } from '@paved/frame';
import { gitResult } from '../git.js';
import { redact } from './explain.js';

/** git in the service folder, output trimmed (these callers compare single lines). */
async function runGit(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const result = await gitResult(dir, args, env);
  return { ok: result.ok, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** The commit the local branch points at, or a clear error when the service has none. */
export async function localBranchHead(dir: string, branch: string, env: NodeJS.ProcessEnv): Promise<string> {
  const inside = await runGit(dir, ['rev-parse', '--is-inside-work-tree'], env);
  if (!inside.ok || inside.stdout !== 'true') {
    throw new UsageError(
      `${dir} is not a git repository`,
      'generate the service with create-service (it makes the initial commit), or run `git init` and commit',
    );
  }
  const head = await runGit(dir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], env);
  if (!head.ok) throw new UsageError(`${dir} has no commit on branch ${branch} to publish`, `commit the service on ${branch} first`);
  return head.stdout;
}

/** The first commit of the branch's history: what marks a repository as holding this service. */
export async function rootCommit(dir: string, branch: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runGit(dir, ['rev-list', '--max-parents=0', `refs/heads/${branch}`], env);
  const roots = r.stdout.split('\n').filter(Boolean);
  const root = roots[roots.length - 1];
  if (!r.ok || root === undefined) throw new PavedError(`cannot find the first commit of ${branch} in ${dir}: ${r.stderr}`);
  return root;
}

export async function remoteUrl(dir: string, remote: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runGit(dir, ['remote', 'get-url', remote], env);
  return r.ok ? r.stdout : undefined;
}

export async function addRemote(dir: string, remote: string, url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runGit(dir, ['remote', 'add', remote, url], env);
  if (!r.ok) throw new PavedError(`could not add git remote ${remote} → ${url}: ${r.stderr}`);
}

/** A push that failed for a reason worth one more try in the same run (server or network). */
export class TransientPushError extends PavedError {
  readonly transient = true;
  constructor(message: string) {
    super(message, { hint: 're-run the same command: finished steps are checked, not repeated' });
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Tokens travel over TLS only; plain http is allowed on loopback, where tests run their server. */
export function assertSafeTransport(url: string, what: string): void {
  const u = new URL(url);
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return;
  throw new UsageError(
    `refusing to send the GitHub token to ${what} ${u.protocol}//${u.host}: only https (or http on this machine) is allowed`,
    'use the https URL of your GitHub (Enterprise) server',
  );
}

/**
 * Environment for a git process that authenticates to `url` with `token`. The token goes in
 * an env-provided config value (GIT_CONFIG_COUNT/KEY/VALUE), scoped to that URL, so it is
 * never in an argument list, the remote URL, .git/config or a credential store; credential
 * helpers are switched off for the command so none of them can save it either.
 */
export function authenticatedGitEnv(env: NodeJS.ProcessEnv, url: string, token: string): NodeJS.ProcessEnv {
  const base = Number(env.GIT_CONFIG_COUNT ?? 0);
  const start = Number.isInteger(base) && base > 0 ? base : 0;
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  const entries: [string, string][] = [
    ['credential.helper', ''],
    [`http.${url}.extraHeader`, `Authorization: Basic ${basic}`],
  ];
  const out: NodeJS.ProcessEnv = { ...env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_CONFIG_COUNT: String(start + entries.length) };
  entries.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${start + i}`] = key;
    out[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  // Tracing would print the header.
  for (const name of ['GIT_TRACE', 'GIT_TRACE_CURL', 'GIT_CURL_VERBOSE', 'GIT_TRACE_PACKET']) delete out[name];
  return out;
}

/** Pushes the local branch to the same branch on `remote`, fast-forward only, and tracks it. */
export async function pushBranch(dir: string, remote: string, url: string, branch: string, token: string, env: NodeJS.ProcessEnv): Promise<void> {
  assertSafeTransport(url, 'the git remote');
  const r = await runGit(
    dir,
    ['push', '--porcelain', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`],
    authenticatedGitEnv(env, url, token),
  );
  if (r.ok) return;
  const said = redact(`${r.stderr}\n${r.stdout}`.trim(), token);
  if (/workflow.*scope|refusing to allow .* to create or update workflow/i.test(said)) {
    throw new PavedError(`GitHub refused the push because the token may not write workflow files (.github/workflows): ${said}`, {
      hint: 'a classic token needs the workflow scope, a fine-grained token the Workflows: write permission; then re-run',
    });
  }
  if (/\[rejected\]|non-fast-forward|fetch first/i.test(said)) {
    throw new PavedError(`the repository's ${branch} has commits the local ${branch} does not: ${said}`, {
      hint: `bring them in first (git pull --rebase ${remote} ${branch}), then re-run`,
    });
  }
  if (/401|403|Authentication failed|could not read Username/i.test(said)) {
    throw new PavedError(`git push was not authorised: ${said}`, { hint: 'the token needs Contents: write (fine-grained) or the repo scope (classic)' });
  }
  throw new TransientPushError(`git push to ${url} failed: ${said}`);
}
