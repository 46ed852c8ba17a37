import { describe, expect, it } from 'vitest';
import { insertIntoChangelog, nextVersion, renderChangelog } from '../src/index.js';

const sha = (n: number): string => `${n.toString(16)}abcdef`.padEnd(40, '0');
const short = (n: number): string => sha(n).slice(0, 7);

function notes(messages: string[], repoUrl: string | null = 'https://github.com/acme/orders', previousTag: string | null = 'v1.2.0'): string {
  const result = nextVersion({ lastRelease: '1.2.0', commits: messages.map((message, i) => ({ sha: sha(i + 1), message })) });
  return renderChangelog({
    version: result.version ?? 'none',
    tag: `v${result.version ?? 'none'}`,
    previousTag,
    date: '2025-01-31',
    commits: result.included,
    repoUrl,
  });
}

describe('renderChangelog', () => {
  it('groups by type, breaking changes first, with compare, commit and issue links', () => {
    expect(notes(['fix(db): pool leak (#12)', 'feat: search', 'docs: readme', 'perf: faster', 'feat(api)!: v2\n\nBREAKING CHANGE: v1 removed'])).toBe(
      [
        '## [2.0.0](https://github.com/acme/orders/compare/v1.2.0...v2.0.0) (2025-01-31)',
        '',
        '### ⚠ BREAKING CHANGES',
        '',
        `- **api:** v1 removed ([${short(5)}](https://github.com/acme/orders/commit/${sha(5)}))`,
        '',
        '### Features',
        '',
        `- search ([${short(2)}](https://github.com/acme/orders/commit/${sha(2)}))`,
        `- **api:** v2 ([${short(5)}](https://github.com/acme/orders/commit/${sha(5)}))`,
        '',
        '### Bug Fixes',
        '',
        `- **db:** pool leak ([#12](https://github.com/acme/orders/issues/12)) ([${short(1)}](https://github.com/acme/orders/commit/${sha(1)}))`,
        '',
        '### Performance Improvements',
        '',
        `- faster ([${short(4)}](https://github.com/acme/orders/commit/${sha(4)}))`,
        '',
      ].join('\n'),
    );
  });

  it('lists reverts of released commits', () => {
    expect(notes([`Revert "feat: old thing"\n\nThis reverts commit ${'f'.repeat(40)}.`])).toContain('### Reverts\n\n- feat: old thing');
  });

  it('has no links without a repository URL and links the first release to its tag', () => {
    expect(notes(['fix: a #3'], null)).toBe(`## 1.2.1 (2025-01-31)\n\n### Bug Fixes\n\n- a #3 (${short(1)})\n`);
    expect(notes(['fix: a'], 'https://github.com/acme/orders', null)).toMatch(
      /^## \[1\.2\.1\]\(https:\/\/github\.com\/acme\/orders\/releases\/tag\/v1\.2\.1\)/,
    );
  });

  it('neutralises Markdown and HTML written in commit messages', () => {
    const text = notes(['fix: <img src=x onerror=alert(1)> [click](https://evil.example) *bold* a|b']);
    expect(text).toContain('\\<img src=x onerror=alert(1)\\> \\[click\\](https://evil.example) \\*bold\\* a\\|b');
    expect(text).not.toMatch(/[^\\]<img/);
  });
});

describe('insertIntoChangelog', () => {
  const section = '## 1.3.0 (2025-01-31)\n\n### Features\n\n- x (abc1234)\n';

  it('creates the file with a title', () => {
    expect(insertIntoChangelog(null, section, '1.3.0')).toBe(`# Changelog\n\n${section}`);
  });

  it('puts the newest release first, under the title and introduction', () => {
    const existing = '# Changelog\n\nAll notable changes.\n\n## 1.2.0 (2025-01-01)\n\n- old\n';
    expect(insertIntoChangelog(existing, section, '1.3.0')).toBe(`# Changelog\n\nAll notable changes.\n\n${section}\n## 1.2.0 (2025-01-01)\n\n- old\n`);
  });

  it('appends to a file that has no release yet', () => {
    expect(insertIntoChangelog('# Changelog\n\nSoon.\n', section, '1.3.0')).toBe(`# Changelog\n\nSoon.\n\n${section}`);
  });

  it('refuses to write the same version twice', () => {
    const existing = insertIntoChangelog(null, section, '1.3.0');
    expect(() => insertIntoChangelog(existing, section, '1.3.0')).toThrow(/already has a section for 1\.3\.0/);
    expect(() => insertIntoChangelog('## [1.3.0](x) (d)\n', section, '1.3.0')).toThrow(/already has/);
    // 1.3.0 is not 1.3.01 or 1.3.0-rc.0
    expect(insertIntoChangelog('## 1.3.0-rc.0 (d)\n', section, '1.3.0')).toContain('## 1.3.0 (2025');
  });
});
