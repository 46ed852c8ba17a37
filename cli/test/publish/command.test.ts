import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runPublishCommand } from '../../src/publish/index.js';
import { findToken } from '../../src/publish/token.js';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { FAST, makeService, runEnv, startFake, tempDir } from './helpers.js';

let root: string;
let fake: FakeGitHub;
beforeAll(async () => {
  root = tempDir('command');
  fake = await startFake(join(root, 'server'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = runEnv(join(root, 'home'))) {
  let stdout = '';
  let stderr = '';
  const w = (add: (s: string) => void) => new Writable({ write: (c: Buffer, _e, done) => (add(c.toString()), done()) });
  const code = await runPublishCommand(argv, { stdout: w((s) => (stdout += s)), stderr: w((s) => (stderr += s)), env, tuning: FAST });
  return { code, stdout, stderr };
}

describe('paved publish command front', () => {
  it('prints help with the token scopes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: paved publish \[<dir>\] --owner <owner>/);
    expect(r.stdout).toMatch(/classic token scopes:\s+repo, workflow, read:org/);
  });

  it.each([
    [[], /--owner is required/],
    [['--owner', 'acme', '--visibility', 'secret'], /--visibility "secret" is not one of private, internal, public/],
    [['--owner', 'acme', '--colour'], /Unknown option '--colour'/],
    [['a', 'b', '--owner', 'acme'], /expected at most one directory/],
    [['--owner=bad_name!'], /is not a GitHub user or organisation name/],
  ])('rejects bad input %j with exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('explains a directory that is not a generated service', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await run([empty, '--owner', 'acme', '--api-url', fake.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/catalog-info\.yaml not found: publishing needs the Backstage catalog entry/);
    expect(fake.requests).toEqual([]);
  });

  it('explains a missing token', async () => {
    const dir = makeService(join(root, 'notoken'));
    const home = join(root, 'empty-home');
    mkdirSync(home, { recursive: true });
    const r = await run([dir, '--owner', 'acme', '--api-url', fake.url], { PATH: '/nonexistent', HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no GitHub token found for 127\.0\.0\.1:\d+/);
    expect(r.stderr).toMatch(/gh auth login/);
  });

  it('publishes with --json output and exit 0, then reports "unchanged" in text', async () => {
    const dir = makeService(join(root, 'json'));
    const r = await run([dir, '--owner', 'acme', '--api-url', fake.url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; steps: { id: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.steps).toHaveLength(6);
    const again = await run([dir, '--owner', 'acme', '--api-url', fake.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Done: acme\/orders is published and configured/);
    expect(again.stdout.match(/^ {2}ok {7}/gm)).toHaveLength(6);
    expect(again.stderr).toMatch(/^unchanged +repository/m);
    expect(again.stderr).not.toMatch(/GitHub API/);
  });

  it('shows server trouble while it retries, but not the 404s of "does it exist yet?"', async () => {
    const dir = makeService(join(root, 'noisy'), { name: 'noisy' });
    fake.fault({ operationId: 'repos/create-repo-ruleset', kind: 'status502', times: 1, repo: 'acme/noisy' });
    const r = await run([dir, '--owner', 'acme', '--api-url', fake.url]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^GitHub API: POST \/repos\/acme\/noisy\/rulesets - 502 with id/m);
    expect(r.stderr).not.toMatch(/ - 404 /);
  });
});

describe('token lookup', () => {
  const api = 'https://api.github.com';
  const ghes = 'https://ghe.example.test/api/v3';
  const noGh = { PATH: '/nonexistent', HOME: '/nonexistent' };

  it('prefers GITHUB_TOKEN, then GH_TOKEN', async () => {
    expect(await findToken(api, { ...noGh, GITHUB_TOKEN: 'a1', GH_TOKEN: 'b2' })).toEqual({ token: 'a1', source: '$GITHUB_TOKEN' });
    expect(await findToken(api, { ...noGh, GH_TOKEN: 'b2' })).toEqual({ token: 'b2', source: '$GH_TOKEN' });
  });

  it('uses GH_ENTERPRISE_TOKEN only for an Enterprise Server host', async () => {
    expect((await findToken(ghes, { ...noGh, GH_ENTERPRISE_TOKEN: 'e3' })).token).toBe('e3');
    await expect(findToken(api, { ...noGh, GH_ENTERPRISE_TOKEN: 'e3' })).rejects.toThrow(/no GitHub token found for github\.com/);
  });

  it("reads the gh CLI's hosts.yml (both layouts) for the right host when gh is not installed", async () => {
    const dir = join(root, 'gh-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'hosts.yml'),
      [
        'github.com:',
        '    user: octocat',
        '    oauth_token: gho_fromHostsFile',
        '    git_protocol: https',
        'ghe.example.test:',
        '    git_protocol: https',
        '    user: mona',
        '    users:',
        '        mona:',
        '            oauth_token: gho_enterpriseAccount',
        '',
      ].join('\n'),
    );
    expect(await findToken(api, { ...noGh, GH_CONFIG_DIR: dir })).toEqual({ token: 'gho_fromHostsFile', source: join(dir, 'hosts.yml') });
    expect((await findToken(ghes, { ...noGh, GH_CONFIG_DIR: dir })).token).toBe('gho_enterpriseAccount');
  });
});

describe('Octokit is loaded only when publishing', () => {
  it('has no static runtime import of Octokit or bottleneck anywhere in the CLI sources', () => {
    const src = join(__dirname, '..', '..', 'src');
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const offenders = files(src).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /^\s*import\s(?!type\b).*from\s+['"](@octokit\/|bottleneck)/.test(line) || /^\s*export\s.*from\s+['"]@octokit\//.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
    // …and the one place that loads it does so with import().
    expect(readFileSync(join(src, 'publish', 'client.ts'), 'utf8')).toMatch(/import\('@octokit\/rest'\)/);
  });
});
