/**
 * The service repository side of an update, all through git itself: checks that nothing
 * uncommitted can be lost, pristine renders committed onto the template branch with a
 * temporary index, the merge planned with `git merge-tree` and applied with `git merge`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PavedError, UsageError } from '@paved/frame';
import { git as runGit, gitResult, TEMPLATE_BRANCH, type GitResult } from '../git.js';
import { writeTreeAtomic, type FileTree } from '../engine/index.js';

export const TEMPLATE_REF = `refs/heads/${TEMPLATE_BRANCH}`;

/** A service repository and the environment every git call in it runs with. */
export interface Repo {
  dir: string;
  /** Extra environment for git: a scratch object store on --dry-run, identity when none is configured. */
  env: NodeJS.ProcessEnv;
  git(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<string>;
  /** The same, with a non-zero exit returned as data (`git merge-tree` exits 1 for "merged with conflicts"). */
  gitResult(args: string[]): Promise<GitResult>;
  /** Unfinished operations found when the repository was opened (MERGE_HEAD, rebase-merge, …). */
  inProgress: string[];
  /** Removes the scratch object store, if any. */
  dispose(): Promise<void>;
}

/** Files git keeps while a merge, cherry-pick, revert or rebase is unfinished. */
const IN_PROGRESS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply'];

/**
 * Opens `dir` as the top of a git repository. With `scratch`, every object git writes goes
 * to a temporary store that borrows the repository's objects: a dry run writes nothing in the service.
 */
export async function openRepo(dir: string, scratch: boolean): Promise<Repo> {
  // One git process answers every question about the repository's layout.
  const paths = ['objects', ...IN_PROGRESS];
  const [out, identity] = await Promise.all([
    runGit(dir, ['rev-parse', '--show-toplevel', ...paths.flatMap((p) => ['--git-path', p])]).catch(() => undefined),
    identityEnv(dir),
  ]);
  const [top, objects, ...markers] = out?.trimEnd().split('\n') ?? [];
  if (top === undefined || objects === undefined) {
    throw new UsageError(
      `${dir} is not a git repository; update merges template changes with git`,
      'commit the service first (git init && git add -A && git commit -m "initial"), then run update again',
    );
  }
  if (realpathSync(top) !== realpathSync(dir)) {
    throw new UsageError(`${dir} is inside the git repository ${top}, not the top of one; update needs the service at the top of its own repository`);
  }
  const env: NodeJS.ProcessEnv = { ...identity };
  let temp: string | undefined;
  if (scratch) {
    temp = await mkdtemp(join(tmpdir(), 'paved-update-objects-'));
    env.GIT_OBJECT_DIRECTORY = temp;
    env.GIT_ALTERNATE_OBJECT_DIRECTORIES = resolve(dir, objects);
  }
  return {
    dir,
    env,
    inProgress: IN_PROGRESS.filter((_, i) => existsSync(resolve(dir, markers[i] ?? ''))),
    git: (args, extraEnv) => runGit(dir, args, { ...process.env, ...env, ...extraEnv }),
    gitResult: (args) => gitResult(dir, args, { ...process.env, ...env }),
    dispose: async () => {
      if (temp !== undefined) await rm(temp, { recursive: true, force: true });
    },
  };
}

/** Author and committer for commits made on the user's behalf when git has no identity configured. */
async function identityEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const configured = await runGit(dir, ['config', '--get-regexp', '^user[.](name|email)$']).catch(() => '');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, variables, fallback] of [
    ['name', ['GIT_AUTHOR_NAME', 'GIT_COMMITTER_NAME'], 'paved'],
    ['email', ['GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_EMAIL'], 'paved@localhost'],
  ] as const) {
    if (new RegExp(`^user\\.${key} `, 'm').test(configured)) continue;
    for (const variable of variables) if (!process.env[variable]) env[variable] = fallback;
  }
  return env;
}

/** Refuses to start when anything could be lost or mixed in: uncommitted changes, untracked files, a merge or rebase in progress. */
export async function refuseUnsafeState(repo: Repo): Promise<string> {
  // --no-optional-locks: status must not even refresh the index (a dry run writes nothing).
  const [head, status] = await Promise.all([
    repo.git(['symbolic-ref', '--quiet', 'HEAD']).then(
      (s) => s.trim(),
      () => '',
    ),
    repo.git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=all']),
  ]);
  if (head === '') throw new UsageError('HEAD is detached; update merges into the current branch', 'check out a branch first (git switch main)');
  if (head === TEMPLATE_REF)
    throw new UsageError(`the current branch is ${TEMPLATE_BRANCH}, which holds pristine template renders`, 'switch to your working branch (git switch main)');
  for (const marker of repo.inProgress) {
    throw new UsageError(
      `a ${marker
        .replace(/_HEAD$/, '')
        .replace(/-.*$/, '')
        .replace('_', '-')
        .toLowerCase()} is in progress in ${repo.dir}`,
      'finish it (git commit) or abort it (git merge --abort / git rebase --abort) first',
    );
  }
  if (status.trim() !== '') {
    const lines = status.trimEnd().split('\n');
    const shown = lines
      .slice(0, 10)
      .map((l) => `  ${l}`)
      .join('\n');
    throw new UsageError(
      `the working tree of ${repo.dir} is not clean; update refuses to run so no uncommitted change can be lost:\n${shown}${lines.length > 10 ? `\n  … and ${lines.length - 10} more` : ''}`,
      'commit your changes (or git stash -u), then run update again',
    );
  }
  return head;
}

/** Commit and tree of each existing branch among `refs`, in one git call. */
export async function branchTips(repo: Repo, refs: string[]): Promise<Map<string, { commit: string; tree: string }>> {
  const out = await repo.git(['for-each-ref', '--format=%(refname) %(objectname) %(tree)', ...refs]);
  const tips = new Map<string, { commit: string; tree: string }>();
  for (const line of out.split('\n')) {
    const [ref, commit, tree] = line.split(' ');
    if (ref !== undefined && commit !== undefined && tree !== undefined && refs.includes(ref)) tips.set(ref, { commit, tree });
  }
  return tips;
}

export async function revParse(repo: Repo, rev: string): Promise<string | undefined> {
  const out = await repo.git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).then(
    (s) => s.trim(),
    () => '',
  );
  return out === '' ? undefined : out;
}

/**
 * Writes a rendered tree as a git tree object: the files go to a temporary folder and are
 * added with a temporary index (`git add --all`, as at creation, so the template's own
 * .gitignore applies the same way). The service's index and working tree are not touched.
 */
export async function writeTree(repo: Repo, tree: FileTree): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'paved-render-'));
  try {
    const work = join(scratch, 'tree');
    await writeTreeAtomic(tree, work);
    const env = { GIT_INDEX_FILE: join(scratch, 'index'), GIT_WORK_TREE: work };
    await repo.git(['add', '--all'], env);
    return (await repo.git(['write-tree'], env)).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function commitTree(repo: Repo, tree: string, parents: string[], message: string): Promise<string> {
  return (await repo.git(['commit-tree', '--no-gpg-sign', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message])).trim();
}

export async function isAncestor(repo: Repo, ancestor: string, of: string): Promise<boolean> {
  return repo.git(['merge-base', '--is-ancestor', ancestor, of]).then(
    () => true,
    () => false,
  );
}

/** The files an update changes in the working branch, by kind. */
export interface FileChanges {
  updated: string[];
  added: string[];
  removed: string[];
  renamed: { from: string; to: string }[];
  conflicted: string[];
}

/** Git's own merge of `theirs` into `ours`, computed in the object store only (nothing checked out). */
export async function planMerge(repo: Repo, ours: string, theirs: string): Promise<{ tree: string; changes: FileChanges }> {
  const merged = await repo.gitResult(['-c', 'merge.renames=true', 'merge-tree', '--write-tree', '--name-only', '-z', ours, theirs]);
  // Exit status 1 means "merged, with conflicts": the output (the tree first) is still the result.
  if (!merged.ok && !/^[0-9a-f]{40,64}\0/.test(merged.stdout))
    throw new PavedError(`git merge-tree failed in ${repo.dir}: ${merged.stderr.trim() || 'no output'}`);
  const out = merged.stdout;
  const fields = out.split('\0');
  const tree = fields[0] ?? '';
  const conflicted = new Set<string>();
  for (const path of fields.slice(1)) {
    if (path === '') break;
    conflicted.add(path);
  }
  const changes: FileChanges = { updated: [], added: [], removed: [], renamed: [], conflicted: [...conflicted].sort() };
  const diff = (await repo.git(['diff-tree', '-r', '-M', '--name-status', '-z', ours, tree])).split('\0');
  for (let i = 0; i < diff.length - 1;) {
    const status = diff[i++] ?? '';
    const path = diff[i++] ?? '';
    if (status.startsWith('R')) changes.renamed.push({ from: path, to: diff[i++] ?? '' });
    else if (status === 'A') changes.added.push(path);
    else if (status === 'D') changes.removed.push(path);
    else changes.updated.push(path);
  }
  return { tree, changes };
}

/**
 * Paths the merge would create that already exist on disk. The tree is clean, so these are
 * files git ignores, which `git merge` would silently overwrite.
 */
export function ignoredInTheWay(repo: Repo, changes: FileChanges): string[] {
  return [...changes.added, ...changes.renamed.map((r) => r.to)].filter((p) => existsSync(join(repo.dir, p)));
}
