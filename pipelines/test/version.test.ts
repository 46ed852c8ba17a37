import { describe, expect, it } from 'vitest';
import { nextVersion, parseCommit, ReleaseError } from '../src/index.js';
import type { Commit } from '../src/index.js';

// Deterministic fake SHAs: the version logic never looks at git.
const sha = (n: number): string => n.toString(16).padStart(40, 'a');
const commits = (...messages: string[]): Commit[] => messages.map((message, i) => ({ sha: sha(i + 1), message }));

interface Case {
  name: string;
  last: string | null;
  messages: string[];
  expected: string | null;
}

const stable: Case[] = [
  { name: 'fix → patch', last: '1.2.3', messages: ['fix: handle empty body'], expected: '1.2.4' },
  { name: 'perf → patch', last: '1.2.3', messages: ['perf: cache lookups'], expected: '1.2.4' },
  { name: 'feat → minor', last: '1.2.3', messages: ['feat: add search'], expected: '1.3.0' },
  { name: 'feat with scope → minor', last: '1.2.3', messages: ['feat(api): add search'], expected: '1.3.0' },
  { name: 'feat and fix → minor', last: '1.2.3', messages: ['fix: a', 'feat: b', 'fix: c'], expected: '1.3.0' },
  { name: '! → major', last: '1.2.3', messages: ['feat!: drop v1'], expected: '2.0.0' },
  { name: 'scope and ! → major', last: '1.2.3', messages: ['fix(db)!: new schema'], expected: '2.0.0' },
  { name: 'BREAKING CHANGE footer → major', last: '1.2.3', messages: ['refactor: rename\n\nBREAKING CHANGE: config key renamed'], expected: '2.0.0' },
  { name: 'BREAKING-CHANGE footer → major', last: '1.2.3', messages: ['fix: x\n\nReviewed-by: Z\nBREAKING-CHANGE: gone'], expected: '2.0.0' },
  { name: 'lower-case breaking change footer is not breaking', last: '1.2.3', messages: ['fix: x\n\nbreaking change: nope'], expected: '1.2.4' },
  { name: 'upper-case type is accepted', last: '1.2.3', messages: ['Feat: shouting'], expected: '1.3.0' },
  {
    name: 'docs, chore, ci, test, refactor, style, build → none',
    last: '1.2.3',
    messages: ['docs: a', 'chore: b', 'ci: c', 'test: d', 'refactor: e', 'style: f', 'build: g'],
    expected: null,
  },
  { name: 'nothing since the tag → none', last: '1.2.3', messages: [], expected: null },
  { name: 'only malformed → none', last: '1.2.3', messages: ['wip', 'fixed stuff', 'feat:missing space'], expected: null },
  { name: 'malformed are ignored, valid ones count', last: '1.2.3', messages: ['WIP!!', 'feat: real'], expected: '1.3.0' },
  { name: 'empty message is ignored', last: '1.2.3', messages: ['', 'fix: real'], expected: '1.2.4' },
  { name: 'merge commits are ignored', last: '1.2.3', messages: ["Merge branch 'feature'", 'Merge pull request #4 from acme/x', 'fix: y'], expected: '1.2.4' },
  { name: 'merge commit alone → none', last: '1.2.3', messages: ["Merge branch 'docs'"], expected: null },
  { name: '0.x: feat → minor', last: '0.3.1', messages: ['feat: x'], expected: '0.4.0' },
  { name: '0.x: fix → patch', last: '0.3.1', messages: ['fix: x'], expected: '0.3.2' },
  { name: '0.x: breaking → minor, never 1.0.0 by itself', last: '0.3.1', messages: ['feat!: x'], expected: '0.4.0' },
  { name: '0.0.x: breaking → minor', last: '0.0.7', messages: ['fix!: x'], expected: '0.1.0' },
  { name: 'no tag: first release is 0.1.0', last: null, messages: ['fix: first'], expected: '0.1.0' },
  { name: 'no tag: breaking first release is still 0.1.0', last: null, messages: ['feat!: first'], expected: '0.1.0' },
  { name: 'no tag and nothing releasable → none', last: null, messages: ['chore: init'], expected: null },
  {
    name: 'revert of an unreleased feat cancels both',
    last: '1.2.3',
    messages: [`feat: risky`, `Revert "feat: risky"\n\nThis reverts commit ${sha(1)}.`],
    expected: null,
  },
  {
    name: 'revert cancels only its target',
    last: '1.2.3',
    messages: [`feat: risky`, 'fix: keep', `Revert "feat: risky"\n\nThis reverts commit ${sha(1).slice(0, 10)}.`],
    expected: '1.2.4',
  },
  { name: 'revert: type of an unreleased commit by header', last: '1.2.3', messages: ['feat!: drop v1', 'revert: feat!: drop v1'], expected: null },
  { name: 'revert of a released commit → patch', last: '1.2.3', messages: [`Revert "feat: old"\n\nThis reverts commit ${'b'.repeat(40)}.`], expected: '1.2.4' },
  { name: 'breaking wins over everything', last: '2.9.9', messages: ['fix: a', 'feat: b', 'perf: c', 'chore!: d'], expected: '3.0.0' },
  { name: 'CRLF messages', last: '1.0.0', messages: ['fix: windows\r\n\r\nBREAKING CHANGE: line endings\r\n'], expected: '2.0.0' },
];

describe('nextVersion (stable)', () => {
  it.each(stable)('$name', ({ last, messages, expected }) => {
    const result = nextVersion({ lastRelease: last, commits: commits(...messages) });
    expect(result.version).toBe(expected);
    if (expected === null) expect(result.reason).toMatch(/no releasable commits/);
  });
});

interface PrereleaseCase {
  name: string;
  last: string | null;
  pre: string | null;
  sinceLast: string[];
  sincePre?: string[];
  channel: string | null;
  expected: string | null;
}

const prerelease: PrereleaseCase[] = [
  { name: 'first rc of a minor', last: '1.2.0', pre: null, sinceLast: ['feat: a'], channel: 'rc', expected: '1.3.0-rc.0' },
  {
    name: 'next rc of the same cycle',
    last: '1.2.0',
    pre: '1.3.0-rc.0',
    sinceLast: ['feat: a', 'fix: b'],
    sincePre: ['fix: b'],
    channel: 'rc',
    expected: '1.3.0-rc.1',
  },
  { name: 'nothing new since the rc → none', last: '1.2.0', pre: '1.3.0-rc.1', sinceLast: ['feat: a'], sincePre: ['docs: x'], channel: 'rc', expected: null },
  {
    name: 'breaking change during an rc cycle starts the next major',
    last: '1.2.0',
    pre: '1.3.0-rc.1',
    sinceLast: ['feat: a', 'feat!: b'],
    sincePre: ['feat!: b'],
    channel: 'rc',
    expected: '2.0.0-rc.0',
  },
  {
    name: 'beta → rc switches channel',
    last: '1.2.0',
    pre: '1.3.0-beta.2',
    sinceLast: ['feat: a', 'fix: b'],
    sincePre: ['fix: b'],
    channel: 'rc',
    expected: '1.3.0-rc.0',
  },
  { name: 'stable release graduates the rc', last: '1.2.0', pre: '1.3.0-rc.1', sinceLast: ['feat: a'], sincePre: [], channel: null, expected: '1.3.0' },
  {
    name: 'stable release graduates a hand-made higher rc',
    last: '1.2.0',
    pre: '2.0.0-rc.0',
    sinceLast: ['fix: a'],
    sincePre: [],
    channel: null,
    expected: '2.0.0',
  },
  { name: 'rc with no tag at all', last: null, pre: null, sinceLast: ['feat: a'], channel: 'rc', expected: '0.1.0-rc.0' },
  { name: '0.x rc', last: '0.4.0', pre: null, sinceLast: ['feat!: a'], channel: 'beta', expected: '0.5.0-beta.0' },
];

describe('nextVersion (pre-release channels)', () => {
  it.each(prerelease)('$name', ({ last, pre, sinceLast, sincePre, channel, expected }) => {
    const result = nextVersion({
      lastRelease: last,
      lastPrerelease: pre,
      commits: commits(...sinceLast),
      commitsSincePrerelease: commits(...(sincePre ?? [])),
      channel,
    });
    expect(result.version).toBe(expected);
  });

  it('refuses a channel that would sort below the current pre-release', () => {
    expect(() =>
      nextVersion({
        lastRelease: '1.2.0',
        lastPrerelease: '1.3.0-rc.0',
        commits: commits('feat: a', 'fix: b'),
        commitsSincePrerelease: commits('fix: b'),
        channel: 'beta',
      }),
    ).toThrow(/would sort below the existing 1\.3\.0-rc\.0/);
  });

  it.each(['RC', 'rc.1', '-rc', 'r c', ''])('refuses the channel name %j', (channel) => {
    expect(() => nextVersion({ lastRelease: '1.0.0', commits: commits('feat: a'), channel })).toThrow(ReleaseError);
  });

  it('refuses versions that are not semver', () => {
    expect(() => nextVersion({ lastRelease: 'v1.0', commits: [] })).toThrow(/not a semantic version/);
  });
});

describe('warnings', () => {
  it('names each malformed commit once and never throws', () => {
    const result = nextVersion({ lastRelease: '1.0.0', commits: commits('oops', 'feat: ok', 'fix(: broken scope', `${'x'.repeat(200)}`) });
    expect(result.version).toBe('1.1.0');
    expect(result.warnings).toHaveLength(3);
    expect(result.warnings[0]).toMatch(/^ignored aaaaaaa "oops": the subject is not/);
    expect(result.warnings[2]).toContain('...');
  });

  it('does not warn about merge commits', () => {
    const result = nextVersion({ lastRelease: '1.0.0', commits: commits("Merge branch 'main' into topic", 'fix: ok') });
    expect(result.warnings).toEqual([]);
  });
});

describe('parseCommit', () => {
  it('reads type, scope, subject, breaking notes and references', () => {
    const parsed = parseCommit({
      sha: sha(1),
      message: 'feat(api)!: new paging (#42)\n\nLonger body.\n\nBREAKING CHANGE: page numbers start at 1\nand not 0\nRefs: #7\n',
    });
    expect(parsed).toEqual({
      kind: 'conventional',
      sha: sha(1),
      type: 'feat',
      scope: 'api',
      subject: 'new paging (#42)',
      breaking: true,
      breakingNotes: ['page numbers start at 1\nand not 0'],
      references: [42, 7],
    });
  });

  it.each([
    ['fix:no space', 'malformed'],
    ['fix : space before colon', 'malformed'],
    ['(scope): no type', 'malformed'],
    ['feat(a(b)): nested scope', 'malformed'],
    ["Merge remote-tracking branch 'origin/main'", 'merge'],
    ['Revert "fix: x"', 'revert'],
    ['revert(api): fix: x', 'revert'],
    ['feat(): empty scope', 'conventional'],
  ])('%j is %s', (message, kind) => {
    expect(parseCommit({ sha: sha(1), message }).kind).toBe(kind);
  });
});
