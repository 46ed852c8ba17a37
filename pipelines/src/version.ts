// The next version from Conventional Commits, as a pure function over
// already-read history so that it can be tested with tables of messages.
import { UsageError } from '@paved/frame';
import semver from 'semver';
import { parseCommit } from './conventional.js';
import type { Commit, ConventionalCommit, ParsedCommit, RevertCommit } from './conventional.js';

export type ReleaseType = 'major' | 'minor' | 'patch';

export interface NextVersionInput {
  /** highest stable version already released (reachable from HEAD), or null if none */
  lastRelease: string | null;
  /** highest pre-release above lastRelease, if any (e.g. `1.3.0-rc.1`) */
  lastPrerelease?: string | null;
  /** commits after lastRelease (all of them when there is none) */
  commits: Commit[];
  /** commits after lastPrerelease; required when lastPrerelease is given */
  commitsSincePrerelease?: Commit[];
  /** pre-release channel such as `rc` or `beta`; stable release when absent */
  channel?: string | null;
  /** version of the first release when there is no tag yet */
  initialVersion?: string;
}

export interface NextVersionResult {
  /** the version to release, or null when nothing is releasable */
  version: string | null;
  /** the bump implied by the commits (before 0.x and pre-release rules) */
  releaseType: ReleaseType | null;
  previous: string | null;
  /** commits that make it into the release (after cancelling reverted pairs) */
  included: ReleasableCommit[];
  /** why there is no release, when version is null */
  reason: string | null;
  warnings: string[];
}

export type ReleasableCommit = ConventionalCommit | RevertCommit;

export class ReleaseError extends UsageError {
  override name = 'ReleaseError';
}

const CHANNEL = /^[a-z][a-z0-9]*$/;
const BUMP_ORDER: ReleaseType[] = ['patch', 'minor', 'major'];

export function nextVersion(input: NextVersionInput): NextVersionResult {
  const channel = input.channel ?? null;
  if (channel !== null && !CHANNEL.test(channel)) {
    throw new ReleaseError(`invalid pre-release channel "${channel}": use lower-case letters and digits starting with a letter, e.g. "rc" or "beta"`);
  }
  const lastRelease = checkedVersion(input.lastRelease, 'last release');
  const lastPrerelease = checkedVersion(input.lastPrerelease ?? null, 'last pre-release');
  const initialVersion = checkedVersion(input.initialVersion ?? '0.1.0', 'initial version') ?? '0.1.0';
  if (lastRelease && semver.prerelease(lastRelease)) {
    throw new ReleaseError(`last release ${lastRelease} is a pre-release; pass it as lastPrerelease`);
  }

  const warnings: string[] = [];
  const included = releasable(input.commits, warnings);
  const releaseType = bumpOf(included);
  const none = (reason: string, previous: string | null): NextVersionResult => ({
    version: null,
    releaseType,
    previous,
    included,
    reason,
    warnings,
  });

  if (releaseType === null) {
    return none(
      `no releasable commits since ${lastRelease ?? 'the beginning of history'} (only feat, fix, perf, reverts and breaking changes make a release)`,
      lastRelease,
    );
  }

  let target = lastRelease ? bump(lastRelease, releaseType) : initialVersion;
  // A pre-release already aimed higher (e.g. someone started 2.0.0-rc.0 by hand):
  // graduate or continue that one rather than going backwards.
  const prereleaseBase = lastPrerelease ? baseOf(lastPrerelease) : null;
  if (prereleaseBase && semver.gt(prereleaseBase, target)) target = prereleaseBase;

  if (channel === null) {
    // a stable release lists everything since the last stable one, pre-releases included
    return { version: target, releaseType, previous: lastRelease, included, reason: null, warnings };
  }

  if (lastPrerelease) {
    if (!input.commitsSincePrerelease) {
      throw new ReleaseError('commitsSincePrerelease is required when lastPrerelease is given');
    }
    const fresh = releasable(input.commitsSincePrerelease, []);
    if (bumpOf(fresh) === null) {
      return none(`no releasable commits since ${lastPrerelease}`, lastPrerelease);
    }
    const previousChannel = semver.prerelease(lastPrerelease)?.[0];
    if (prereleaseBase === target && previousChannel === channel) {
      const version = semver.inc(lastPrerelease, 'prerelease', channel);
      if (!version) throw new ReleaseError(`cannot increment pre-release ${lastPrerelease}`);
      // the next pre-release of a cycle lists what is new since the previous one
      return { version, releaseType, previous: lastPrerelease, included: fresh, reason: null, warnings };
    }
  }
  const version = `${target}-${channel}.0`;
  const previous = lastPrerelease ?? lastRelease;
  const listed = lastPrerelease && input.commitsSincePrerelease ? releasable(input.commitsSincePrerelease, []) : included;
  if (lastPrerelease && !semver.gt(version, lastPrerelease)) {
    throw new ReleaseError(
      `pre-release ${version} would sort below the existing ${lastPrerelease}; channels sort alphabetically (alpha < beta < rc), so keep using "${String(semver.prerelease(lastPrerelease)?.[0])}" or a later channel`,
    );
  }
  return { version, releaseType, previous, included: listed, reason: null, warnings };
}

/** Parses, warns about and filters commits; reverts inside the range cancel their target. */
export function releasable(commits: Commit[], warnings: string[]): ReleasableCommit[] {
  const parsed = commits.map(parseCommit);
  const cancelled = new Set<string>();
  for (const commit of parsed) {
    if (commit.kind !== 'revert') continue;
    const target = revertTarget(commit, parsed);
    if (target) {
      cancelled.add(target.sha);
      cancelled.add(commit.sha);
    }
  }
  const kept: ReleasableCommit[] = [];
  for (const commit of parsed) {
    if (cancelled.has(commit.sha)) continue;
    if (commit.kind === 'malformed') {
      warnings.push(`ignored ${commit.sha.slice(0, 7)} "${oneLine(commit.subject)}": ${commit.reason}`);
    } else if (commit.kind === 'conventional' || commit.kind === 'revert') {
      kept.push(commit);
    }
    // merge commits carry no change of their own: their parents are in the range
  }
  return kept;
}

function revertTarget(revert: RevertCommit, all: ParsedCommit[]): ParsedCommit | undefined {
  for (const sha of revert.revertedShas) {
    const hit = all.find((c) => c.sha !== revert.sha && c.sha.startsWith(sha));
    if (hit) return hit;
  }
  if (revert.revertedShas.length > 0 || !revert.revertedHeader) return undefined;
  // no SHA named (e.g. a squashed revert): fall back to the quoted header
  return all.find((c) => c.sha !== revert.sha && c.kind !== 'merge' && headerOf(c) === revert.revertedHeader);
}

function headerOf(commit: ParsedCommit): string {
  if (commit.kind !== 'conventional') return commit.subject;
  return `${commit.type}${commit.scope ? `(${commit.scope})` : ''}${commit.breaking ? '!' : ''}: ${commit.subject}`;
}

export function bumpOf(commits: ReleasableCommit[]): ReleaseType | null {
  let best = -1;
  for (const commit of commits) {
    const level = levelOf(commit);
    if (level !== null) best = Math.max(best, BUMP_ORDER.indexOf(level));
  }
  return best < 0 ? null : (BUMP_ORDER[best] ?? null);
}

function levelOf(commit: ReleasableCommit): ReleaseType | null {
  // a revert of something already released changes behaviour: a patch
  if (commit.kind === 'revert') return 'patch';
  if (commit.breaking) return 'major';
  if (commit.type === 'feat') return 'minor';
  if (commit.type === 'fix' || commit.type === 'perf') return 'patch';
  return null;
}

/** semver bump with the 0.x rule: before 1.0.0 a breaking change is a minor bump. */
function bump(version: string, type: ReleaseType): string {
  const effective: ReleaseType = semver.major(version) === 0 && type === 'major' ? 'minor' : type;
  const next = semver.inc(version, effective);
  if (!next) throw new ReleaseError(`cannot increment ${version} by ${effective}`);
  return next;
}

function baseOf(version: string): string {
  return `${semver.major(version)}.${semver.minor(version)}.${semver.patch(version)}`;
}

function checkedVersion(value: string | null, what: string): string | null {
  if (value === null) return null;
  const clean = semver.valid(value);
  if (!clean) throw new ReleaseError(`${what} "${value}" is not a semantic version (expected e.g. 1.2.3 or 1.3.0-rc.1)`);
  return clean;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 72 ? `${flat.slice(0, 69)}...` : flat;
}
