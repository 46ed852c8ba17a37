import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx/core';
import { afterEach, describe, expect, it } from 'vitest';
import { httpsRepoUrl, release, run } from '../src/index.js';
import { capture, Repo } from './helpers.js';

const repos: Repo[] = [];
const dirs: string[] = [];
async function repo(): Promise<Repo> {
  const r = await Repo.create();
  repos.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.remove()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const now = new Date('2025-03-04T12:00:00Z');
const noCiEnv = {};

describe('release against real repositories', () => {
  it('makes the first release of a repository with no tags', async () => {
    const r = await repo();
    await r.commit('chore: initial commit');
    await r.commit('feat: health endpoint');
    await r.commit('fix: log format');
    const report = await release({ cwd: r.dir, now, env: noCiEnv });
    expect(report).toMatchObject({ released: true, version: '0.1.0', tag: 'v0.1.0', previousTag: null, releaseType: 'minor' });
    expect(await r.git('describe', '--exact-match', 'HEAD')).toBe('v0.1.0');
    expect(await r.git('log', '-1', '--format=%s')).toBe('chore(release): 0.1.0');
    expect(await r.git('cat-file', '-t', 'v0.1.0')).toBe('tag'); // annotated
    expect(await r.git('status', '--porcelain')).toBe('');
    const changelog = await readFile(join(r.dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      /^# Changelog\n\n## 0\.1\.0 \(2025-03-04\)\n\n### Features\n\n- health endpoint \([0-9a-f]{7}\)\n\n### Bug Fixes\n\n- log format/,
    );
    expect(report.commit).toBe(await r.head());
  });

  it('releases again on top, newest first, and does not release its own release commit', async () => {
    const r = await repo();
    await r.commit('feat: one');
    await release({ cwd: r.dir, now, env: noCiEnv });
    await r.commit('fix: two');
    const second = await release({ cwd: r.dir, now, env: noCiEnv });
    expect(second).toMatchObject({ version: '0.1.1', previousTag: 'v0.1.0' });
    const changelog = await readFile(join(r.dir, 'CHANGELOG.md'), 'utf8');
    expect(changelog.indexOf('## 0.1.1')).toBeLessThan(changelog.indexOf('## 0.1.0'));
    expect(changelog.match(/^## /gm)).toHaveLength(2);
    const third = await release({ cwd: r.dir, now, env: noCiEnv });
    expect(third).toMatchObject({ released: false, version: null });
    expect(third.reason).toMatch(/no releasable commits since 0\.1\.1/);
  });

  it('follows merges, ignores merge commits and malformed messages with warnings', async () => {
    const r = await repo();
    await r.commit('feat: base');
    await r.tag('v1.0.0');
    await r.git('switch', '--quiet', '-c', 'topic');
    await r.commit('feat(search): fuzzy matching');
    await r.commit('did some stuff');
    await r.git('switch', '--quiet', 'main');
    await r.commit('fix: typo');
    await r.git('merge', '--no-ff', '--quiet', '-m', "Merge branch 'topic'", 'topic');
    const report = await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv });
    expect(report).toMatchObject({ version: '1.1.0', previousTag: 'v1.0.0', released: false });
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/"did some stuff"/);
    expect(report.notes).toContain('**search:** fuzzy matching');
    expect(report.notes).toContain('- typo');
    expect(report.notes).not.toContain('Merge');
  });

  it('cancels a feature reverted before release (real git revert)', async () => {
    const r = await repo();
    await r.commit('fix: base');
    await r.tag('v2.3.0');
    const risky = await r.commit('feat!: risky rewrite');
    await r.git('revert', '--no-edit', risky);
    await r.commit('fix: small');
    const report = await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv });
    expect(report.version).toBe('2.3.1');
    expect(report.notes).not.toContain('risky');
  });

  it('only counts semver tags with the prefix that are reachable from HEAD', async () => {
    const r = await repo();
    await r.commit('feat: a');
    await r.tag('v1.4.0');
    await r.tag('v9.9'); // not semver
    await r.tag('nightly');
    await r.git('switch', '--quiet', '-c', 'other');
    await r.commit('feat: elsewhere');
    await r.tag('v5.0.0'); // on another branch: not ours
    await r.git('switch', '--quiet', 'main');
    await r.commit('fix: b');
    const report = await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv });
    expect(report).toMatchObject({ version: '1.4.1', previousTag: 'v1.4.0' });
    const prefixed = await release({ cwd: r.dir, dryRun: true, now, tagPrefix: 'orders/v', env: noCiEnv });
    expect(prefixed).toMatchObject({ version: '0.1.0', tag: 'orders/v0.1.0', previousTag: null });
  });

  it('refuses to start again at 0.1.0 when the tags that look like releases are not <prefix><semver>, and warns about them otherwise', async () => {
    const r = await repo();
    await r.commit('feat: a');
    await r.tag('v1.2');
    await r.tag('1.0.0');
    await r.commit('fix: b');
    await expect(release({ cwd: r.dir, dryRun: true, now, env: noCiEnv })).rejects.toThrow(
      'no v<major>.<minor>.<patch> tag is reachable from HEAD, but 2 tag(s) look like releases: 1.0.0, v1.2; releasing now would start again at 0.1.0',
    );
    const io = capture(r.dir);
    expect(await run(['release', '--dry-run'], io)).toBe(2);
    expect(io.err()).toContain('tag the last release in the form this command reads (e.g. git tag -a v1.2.0 -m "Release 1.2.0" <commit>)');
    // another service's tags in a monorepo are not this prefix's releases
    expect(await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv, tagPrefix: 'orders/v' })).toMatchObject({ version: '0.1.0' });
    await r.tag('v1.2.0');
    await r.commit('fix: c');
    const report = await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv });
    expect(report).toMatchObject({ version: '1.2.1', previousTag: 'v1.2.0' });
    expect(report.warnings).toContain('ignored tags that are not v<semver>: 1.0.0, v1.2');
  });

  it('refuses to reuse a version tagged on another branch', async () => {
    const r = await repo();
    await r.commit('fix: a');
    await r.tag('v1.0.0');
    await r.git('switch', '--quiet', '-c', 'hotfix');
    await r.commit('fix: hot');
    await r.tag('v1.0.1');
    await r.git('switch', '--quiet', 'main');
    await r.commit('fix: b');
    await expect(release({ cwd: r.dir, now, env: noCiEnv })).rejects.toThrow(/tag v1\.0\.1 already exists but is not reachable/);
    expect(existsSync(join(r.dir, 'CHANGELOG.md'))).toBe(false);
  });

  it('makes release candidates and then the stable release', async () => {
    const r = await repo();
    await r.commit('feat: a');
    await r.tag('v1.0.0');
    await r.commit('feat: b');
    expect((await release({ cwd: r.dir, channel: 'rc', now, env: noCiEnv })).tag).toBe('v1.1.0-rc.0');
    await r.commit('fix: c');
    const rc1 = await release({ cwd: r.dir, channel: 'rc', now, env: noCiEnv });
    expect(rc1).toMatchObject({ tag: 'v1.1.0-rc.1', previousTag: 'v1.1.0-rc.0' });
    expect(rc1.notes).toContain('- c');
    expect(rc1.notes).not.toContain('- b');
    const final = await release({ cwd: r.dir, now, env: noCiEnv });
    expect(final).toMatchObject({ tag: 'v1.1.0', previousTag: 'v1.0.0' });
    expect(final.notes).toContain('- b');
    expect(final.notes).toContain('- c');
  });

  it('writes nothing on a dry run', async () => {
    const r = await repo();
    await r.commit('feat: a');
    const before = await r.head();
    const report = await release({ cwd: r.dir, dryRun: true, now, env: noCiEnv });
    expect(report).toMatchObject({ version: '0.1.0', released: false, dryRun: true, commit: null });
    expect(await r.head()).toBe(before);
    expect(await r.git('tag', '--list')).toBe('');
    expect(existsSync(join(r.dir, 'CHANGELOG.md'))).toBe(false);
  });

  it('refuses a shallow clone that cannot see the last tag, and works when it can', async () => {
    const origin = await repo();
    await origin.commit('feat: a');
    await origin.tag('v1.0.0');
    for (let i = 0; i < 5; i++) await origin.commit(`fix: f${i.toString()}`);
    const parent = await mkdtemp(join(tmpdir(), 'paved-shallow-'));
    dirs.push(parent);
    const shallow = join(parent, 'shallow');
    await $({ quiet: true })`git clone --quiet --depth 2 ${`file://${origin.dir}`} ${shallow}`;
    await expect(release({ cwd: shallow, dryRun: true, env: noCiEnv })).rejects.toThrow(/shallow clone.*fetch-depth: 0/);
    await $({ cwd: shallow, quiet: true })`git fetch --quiet --unshallow --tags`;
    expect((await release({ cwd: shallow, dryRun: true, env: noCiEnv })).version).toBe('1.0.1');

    const deep = join(parent, 'deep');
    await $({ quiet: true })`git clone --quiet --depth 6 ${`file://${origin.dir}`} ${deep}`;
    expect((await $({ cwd: deep, quiet: true })`git rev-parse --is-shallow-repository`).stdout.trim()).toBe('true');
    expect((await release({ cwd: deep, dryRun: true, env: noCiEnv })).version).toBe('1.0.1');
  });

  it('links to the repository from the CI environment or origin, without credentials', async () => {
    const r = await repo();
    await r.commit('fix: a');
    const ci = await release({ cwd: r.dir, dryRun: true, env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/orders' } });
    expect(ci.notes).toContain('](https://github.com/acme/orders/commit/');
    await r.git('remote', 'add', 'origin', 'https://x-access-token:ghs_secret@github.example/acme/orders.git');
    const fromOrigin = await release({ cwd: r.dir, dryRun: true, env: noCiEnv });
    expect(fromOrigin.notes).toContain('](https://github.example/acme/orders/commit/');
    expect(fromOrigin.notes).not.toContain('ghs_secret');
    expect(httpsRepoUrl('git@github.com:acme/orders.git')).toBe('https://github.com/acme/orders');
    expect(httpsRepoUrl('/srv/git/orders.git')).toBeNull();
  });

  it('explains what is wrong outside a repository or in an empty one', async () => {
    const empty = await repo();
    await expect(release({ cwd: empty.dir })).rejects.toThrow(/has no commits yet/);
    const plain = await mkdtemp(join(tmpdir(), 'paved-plain-'));
    dirs.push(plain);
    await expect(release({ cwd: plain })).rejects.toThrow(/is not a git repository/);
  });
});

describe('paved release command', () => {
  it('prints JSON for workflows and warnings on stderr', async () => {
    const r = await repo();
    await r.commit('feat: a');
    await r.commit('not conventional');
    const io = capture(r.dir);
    expect(await run(['release', '--dry-run', '--json', '--repo-url', 'https://github.com/acme/orders'], io)).toBe(0);
    const report = JSON.parse(io.out()) as { version: string; released: boolean; notes: string };
    expect(report).toMatchObject({ version: '0.1.0', released: false });
    expect(report.notes).toContain('https://github.com/acme/orders/releases/tag/v0.1.0');
    expect(io.err()).toMatch(/^warning: ignored [0-9a-f]{7} "not conventional"/);
  });

  it('releases and tells how to push; says so when there is nothing to release', async () => {
    const r = await repo();
    await r.commit('fix: a');
    const io = capture(r.dir);
    expect(await run(['release', '--cwd', r.dir], io)).toBe(0);
    expect(io.out()).toMatch(
      /^Released 0\.1\.0 \(first release\): committed CHANGELOG\.md as [0-9a-f]{12} and tagged v0\.1\.0\.\nPush with: git push --atomic origin HEAD refs\/tags\/v0\.1\.0/,
    );
    const again = capture(r.dir);
    expect(await run(['release'], again)).toBe(0);
    expect(again.out()).toMatch(/^No release: no releasable commits since 0\.1\.0/);
  });

  it('exits 2 on invalid usage or input, with the reason', async () => {
    const r = await repo();
    await r.commit('fix: a');
    const usage = capture(r.dir);
    expect(await run(['release', '--frobnicate'], usage)).toBe(2);
    expect(usage.err()).toMatch(/^paved release: error: Unknown option '--frobnicate'\n {2}run `paved release --help` for the options\n$/);
    const typo = capture(r.dir);
    expect(await run(['release', '--dry-rn'], typo)).toBe(2);
    expect(typo.err()).toContain("Unknown option '--dry-rn'; did you mean --dry-run?");
    const unknown = capture(r.dir);
    expect(await run(['deploy'], unknown)).toBe(2);
    expect(unknown.err()).toBe('paved: error: unknown command "deploy"; expected release or promote\n  run `paved --help` for the commands\n');
    const misspelt = capture(r.dir);
    expect(await run(['relase'], misspelt)).toBe(2);
    expect(misspelt.err()).toContain('unknown command "relase"; did you mean release?');
    const bad = capture(r.dir);
    expect(await run(['release', '--channel', 'RC!'], bad)).toBe(2);
    expect(bad.err()).toContain('invalid pre-release channel "RC!"');
    // outside a repository: the user's to fix (2), and with --json the error is JSON too
    const outside = capture(await mkdtemp(join(tmpdir(), 'paved-not-a-repo-')));
    dirs.push(outside.cwd);
    expect(await run(['release', '--json'], outside)).toBe(2);
    expect(JSON.parse(outside.out())).toEqual({
      error: { command: 'paved release', message: expect.stringContaining('is not a git repository'), exitCode: 2 },
    });
    expect(outside.err()).toContain('is not a git repository; run the command inside the service');
  });

  it('answers --help for each command with its options, examples and exit codes', async () => {
    for (const command of ['release', 'promote']) {
      const io = capture(tmpdir());
      expect(await run([command, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^Usage: paved ${command}`));
      expect(io.out()).toMatch(
        /Options:\n[\s\S]*--dry-run[\s\S]*Examples:\n {2}paved [\s\S]*Exit codes:\n {2}0 {4}done[\s\S]*\n {2}2 {4}invalid usage or input/,
      );
    }
  });

  it('runs as the standalone paved-pipelines binary', async () => {
    const r = await repo();
    await r.commit('feat: a');
    const bin = join(import.meta.dirname, '..', 'bin', 'paved-pipelines.js');
    const result = await $({ cwd: r.dir, nothrow: true, quiet: true })`${process.execPath} ${bin} release --dry-run --json`;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: '0.1.0' });
  });
});
