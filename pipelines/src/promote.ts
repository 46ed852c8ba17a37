// `paved promote`: point an environment's overlay at an image digest and
// commit that on a new branch. The commit is made from HEAD with git's
// plumbing (a temporary index), so the working tree and the current branch
// are never touched: the same command is safe on a laptop and in CI, where
// the workflow then pushes the branch and opens the pull request.
import { UsageError } from '@paved/frame';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { ensureRepository, git, GitError, headSha } from './git.js';
import { formatImageRef, parseImageRef } from './image.js';
import { deployedName, setImage } from './kustomization.js';
import type { ImageEntry } from './kustomization.js';

export interface PromoteOptions {
  cwd: string;
  env: string;
  /** `<registry>/<repository>[:<tag>]@sha256:<hex>` */
  image: string;
  dryRun?: boolean;
  /** folder holding `base/` and `overlays/<env>/` (default `deploy`) */
  deployDir?: string;
  /** branch to create; default `paved/promote-<env>-<digest prefix>` */
  branch?: string;
}

export interface PromoteReport {
  env: string;
  /** the kustomization file, relative to the repository root */
  file: string;
  image: string;
  before: ImageEntry;
  after: ImageEntry;
  changed: boolean;
  dryRun: boolean;
  branch: string | null;
  commit: string | null;
  /** the commit message / pull request title */
  title: string;
  /** the changed lines of the file: `-` old, `+` new (empty when unchanged) */
  diff: string;
}

export class PromoteError extends UsageError {
  override name = 'PromoteError';
}

const ENV_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export async function promote(options: PromoteOptions): Promise<PromoteReport> {
  const cwd = resolve(options.cwd);
  const deployDir = options.deployDir ?? 'deploy';
  if (deployDir.startsWith('/') || deployDir.split(/[\\/]/).includes('..')) {
    throw new PromoteError(`deploy folder "${deployDir}" must be a path inside the repository`);
  }
  // parse the image first: a bad reference is the commonest mistake
  const image = parseImageRef(options.image);
  await ensureRepository(cwd);

  const environments = await listEnvironments(cwd, deployDir);
  if (!ENV_NAME.test(options.env) || !environments.has(options.env)) {
    const known = [...environments.keys()].sort();
    throw new PromoteError(
      `unknown environment "${options.env}": ${known.length > 0 ? `${deployDir}/overlays has ${known.join(', ')}` : `there is no ${deployDir}/overlays/<env>/kustomization.yaml in HEAD`}; pass one of those with --env`,
    );
  }
  const file = environments.get(options.env) ?? '';
  const source = await git(cwd, ['show', `HEAD:${file}`], { raw: true });
  const edit = setImage(source, image, file);
  const changed = edit.text !== source;
  const shortDigest = image.digest.slice('sha256:'.length, 'sha256:'.length + 12);
  const title = `chore(deploy): promote ${deployedName(edit.before)}${image.tag ? `:${image.tag}` : ''} (${shortDigest}) to ${options.env}`;
  const report: PromoteReport = {
    env: options.env,
    file,
    image: formatImageRef(image),
    before: edit.before,
    after: edit.after,
    changed,
    dryRun: options.dryRun ?? false,
    branch: null,
    commit: null,
    title,
    diff: changed ? lineDiff(file, source, edit.text) : '',
  };
  if (!changed || report.dryRun) return report;

  const branch = options.branch ?? `paved/promote-${options.env}-${shortDigest}`;
  try {
    await git(cwd, ['check-ref-format', '--branch', branch]);
  } catch {
    throw new PromoteError(`"${branch}" is not a valid branch name`);
  }
  if (await refExists(cwd, `refs/heads/${branch}`)) {
    throw new PromoteError(`branch ${branch} already exists; delete it or pass another --branch`);
  }
  const commit = await commitFile(cwd, file, edit.text, title, report);
  await git(cwd, ['branch', branch, commit]);
  return { ...report, branch, commit };
}

/** Environments are the overlays present in HEAD (not in a dirty working tree). */
async function listEnvironments(cwd: string, deployDir: string): Promise<Map<string, string>> {
  const overlays = posix.join(deployDir.replace(/\\/g, '/'), 'overlays');
  let listing: string;
  try {
    listing = await git(cwd, ['ls-tree', '-r', '--name-only', 'HEAD', '--', `${overlays}/`]);
  } catch {
    return new Map();
  }
  const found = new Map<string, string>();
  for (const path of listing.split('\n')) {
    const rest = path.slice(overlays.length + 1).split('/');
    if (rest.length === 2 && KUSTOMIZATION_FILES.includes(rest[1] ?? '') && rest[0] && !found.has(rest[0])) {
      found.set(rest[0], path);
    }
  }
  return found;
}

async function refExists(cwd: string, ref: string): Promise<boolean> {
  try {
    await git(cwd, ['rev-parse', '--verify', '--quiet', ref]);
    return true;
  } catch {
    return false;
  }
}

async function commitFile(cwd: string, file: string, text: string, title: string, report: PromoteReport): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'paved-promote-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    const parent = await headSha(cwd);
    const mode = (await git(cwd, ['ls-tree', 'HEAD', '--', file])).split(/\s/)[0] ?? '100644';
    const blob = await git(cwd, ['hash-object', '-w', '--stdin'], { input: text });
    await git(cwd, ['read-tree', parent], { env });
    await git(cwd, ['update-index', '--cacheinfo', `${mode},${blob},${file}`], { env });
    const tree = await git(cwd, ['write-tree'], { env });
    const body = [title, '', `Environment: ${report.env}`, `File: ${file}`, `Image: ${report.image}`, `Previous: ${describe(report.before)}`, ''].join('\n');
    return await git(cwd, ['commit-tree', tree, '-p', parent, '-F', '-'], { input: body });
  } catch (error) {
    if (error instanceof GitError && /Please tell me who you are|empty ident/i.test(error.message)) {
      throw new PromoteError('git has no committer identity; set user.name and user.email (git config) before promoting');
    }
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function describe(entry: ImageEntry): string {
  const name = deployedName(entry);
  if (entry.digest) return `${name}${entry.newTag ? `:${entry.newTag}` : ''}@${entry.digest}`;
  return entry.newTag ? `${name}:${entry.newTag}` : `${name} (no tag or digest)`;
}

/** The removed and added lines, in file order (kustomizations are small). */
export function lineDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // longest common subsequence table; kustomizations are tiny
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: string[] = [`--- a/${file}`, `+++ b/${file}`];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) > (lcs[i + 1]?.[j] ?? 0))) {
      lines.push(`+${b[j] ?? ''}`);
      j++;
    } else {
      lines.push(`-${a[i] ?? ''}`);
      i++;
    }
  }
  return `${lines.join('\n')}\n`;
}
