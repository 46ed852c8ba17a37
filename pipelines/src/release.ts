// `paved release`: read the history of a real repository, decide the next
// version, write the changelog, commit it and tag. Pushing (and creating the
// GitHub release) is the workflow's job, so everything here works offline.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { insertIntoChangelog, renderChangelog } from './changelog.js';
import { commitsSince, ensureRepository, git, headSha, isDirty, isShallow, originUrl, reachableTags, tagExists } from './git.js';
import { ReleaseError, nextVersion } from './version.js';
import type { ReleaseType } from './version.js';

export interface ReleaseOptions {
  cwd: string;
  /** compute and print only; write, commit and tag nothing */
  dryRun?: boolean;
  /** pre-release channel (`rc`, `beta`, ...) or null for a stable release */
  channel?: string | null;
  tagPrefix?: string;
  changelogFile?: string;
  /** repository URL for links; derived from the CI environment or `origin` when absent */
  repoUrl?: string | null;
  /** release date, for reproducible notes */
  now?: Date;
  /** environment to read GITHUB_SERVER_URL / GITHUB_REPOSITORY from */
  env?: Record<string, string | undefined>;
}

export interface ReleaseReport {
  released: boolean;
  dryRun: boolean;
  version: string | null;
  tag: string | null;
  previousTag: string | null;
  releaseType: ReleaseType | null;
  /** release notes (the changelog section) */
  notes: string;
  reason: string | null;
  warnings: string[];
  changelogFile: string | null;
  /** the release commit that the tag points at (null on dry runs) */
  commit: string | null;
}

const TAG_PREFIX = /^[A-Za-z0-9._/-]{0,50}$/;

export async function release(options: ReleaseOptions): Promise<ReleaseReport> {
  const cwd = resolve(options.cwd);
  const tagPrefix = options.tagPrefix ?? 'v';
  if (!TAG_PREFIX.test(tagPrefix)) {
    throw new ReleaseError(`invalid tag prefix "${tagPrefix}": use letters, digits, ".", "_", "-" or "/" (e.g. "v" or "orders/v")`);
  }
  const changelogFile = options.changelogFile ?? 'CHANGELOG.md';
  if (changelogFile.startsWith('/') || changelogFile.split(/[\\/]/).includes('..')) {
    throw new ReleaseError(`changelog file "${changelogFile}" must be a path inside the repository`);
  }
  const dryRun = options.dryRun ?? false;
  await ensureRepository(cwd);

  const { versions, unparsable } = await releaseVersions(cwd, tagPrefix);
  const warnings: string[] = [];
  if (versions.length === 0 && unparsable.length > 0) {
    // Without a release tag of the form it reads, the next release would be 0.1.0, "first
    // release", below what these tags say was released: the version would go backwards.
    throw new ReleaseError(
      `no ${tagPrefix}<major>.<minor>.<patch> tag is reachable from HEAD, but ${unparsable.length} tag(s) look like releases: ${unparsable.slice(0, 5).join(', ')}${unparsable.length > 5 ? ', ...' : ''}; releasing now would start again at 0.1.0`,
      `tag the last release in the form this command reads (e.g. git tag -a ${tagPrefix}1.2.0 -m "Release 1.2.0" <commit>), or pass --tag-prefix to match your tags`,
    );
  }
  if (unparsable.length > 0)
    warnings.push(`ignored tags that are not ${tagPrefix}<semver>: ${unparsable.slice(0, 5).join(', ')}${unparsable.length > 5 ? ', ...' : ''}`);
  if (versions.length === 0 && (await isShallow(cwd))) {
    throw new ReleaseError(
      'this is a shallow clone and no release tag is reachable, so the last release cannot be known; fetch the full history with `git fetch --unshallow --tags` (in GitHub Actions: actions/checkout with fetch-depth: 0)',
    );
  }
  const lastRelease = versions.find((v) => semver.prerelease(v) === null) ?? null;
  const lastPrerelease = versions.find((v) => semver.prerelease(v) !== null && (lastRelease === null || semver.gt(v, lastRelease))) ?? null;
  const tagOf = (v: string | null): string | null => (v === null ? null : `${tagPrefix}${v}`);

  const result = nextVersion({
    lastRelease,
    lastPrerelease,
    commits: await commitsSince(cwd, tagOf(lastRelease)),
    commitsSincePrerelease: lastPrerelease ? await commitsSince(cwd, tagOf(lastPrerelease)) : [],
    channel: options.channel ?? null,
  });
  warnings.push(...result.warnings);

  const base: ReleaseReport = {
    released: false,
    dryRun,
    version: result.version,
    tag: tagOf(result.version),
    previousTag: tagOf(result.previous),
    releaseType: result.releaseType,
    notes: '',
    reason: result.reason,
    warnings,
    changelogFile: null,
    commit: null,
  };
  if (result.version === null) return base;

  const tag = `${tagPrefix}${result.version}`;
  if (await tagExists(cwd, tag)) {
    throw new ReleaseError(`tag ${tag} already exists but is not reachable from HEAD; merge that release first or delete the stray tag`);
  }
  const repoUrl = options.repoUrl !== undefined ? options.repoUrl : await repositoryUrl(cwd, options.env ?? process.env);
  const notes = renderChangelog({
    version: result.version,
    tag,
    previousTag: base.previousTag,
    date: (options.now ?? new Date()).toISOString().slice(0, 10),
    commits: result.included,
    repoUrl,
  });
  const report: ReleaseReport = { ...base, notes, changelogFile };
  if (dryRun) return report;

  const path = join(cwd, changelogFile);
  if (await isDirty(cwd, changelogFile)) {
    throw new ReleaseError(`${changelogFile} has uncommitted changes; commit or discard them before releasing`);
  }
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const updated = insertIntoChangelog(existing, notes, result.version);
  const before = await headSha(cwd);
  await writeFile(path, updated);
  try {
    await git(cwd, ['add', '--', changelogFile]);
    await git(cwd, ['commit', '--no-verify', '--quiet', '-m', `chore(release): ${result.version}`, '--', changelogFile]);
  } catch (error) {
    // nothing half-written: put the file back as it was when the commit did not happen
    if ((await headSha(cwd)) === before) {
      await git(cwd, ['reset', '--quiet', '--', changelogFile]).catch(() => undefined);
      if (existing === null) await rm(path, { force: true });
      else await writeFile(path, existing);
    }
    throw error;
  }
  await git(cwd, ['tag', '--annotate', tag, '-m', `Release ${result.version}`]);
  return { ...report, released: true, commit: await headSha(cwd) };
}

/**
 * Versions of `<prefix><semver>` tags reachable from HEAD, highest first, and the reachable tags
 * that look like releases but are not in that form ("v1.2", "1.0.0" under prefix "v"): someone's
 * releases the version must not go back below.
 */
async function releaseVersions(cwd: string, tagPrefix: string): Promise<{ versions: string[]; unparsable: string[] }> {
  const versions: string[] = [];
  const unparsable: string[] = [];
  // what a release of this prefix looks like when written loosely: "v1.2", "v1.2.3-rc 1", or
  // the version without the "v" ("1.0.0"; "orders/1.0.0" under "orders/v")
  const loose = /^v?\d+(\.\d+){0,2}([-+][\w. -]*)?$/;
  const bare = tagPrefix.replace(/v$/, '');
  for (const tag of await reachableTags(cwd)) {
    const version = tag.startsWith(tagPrefix) ? tag.slice(tagPrefix.length) : undefined;
    // exact semver only: "v1.2" or "v1.2.3-foo bar" are not release tags of this form
    if (version !== undefined && semver.valid(version) === version) versions.push(version);
    else if ((version !== undefined && loose.test(version)) || (tag.startsWith(bare) && loose.test(tag.slice(bare.length)))) unparsable.push(tag);
  }
  return { versions: versions.sort(semver.rcompare), unparsable: unparsable.sort() };
}

async function repositoryUrl(cwd: string, env: Record<string, string | undefined>): Promise<string | null> {
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  if (server && repository && /^[\w.-]+\/[\w.-]+$/.test(repository)) {
    return `${server.replace(/\/$/, '')}/${repository}`;
  }
  return originUrl(cwd);
}
