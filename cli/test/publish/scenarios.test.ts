import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport } from '../../src/publish/index.js';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { gitHead, makeService, startFake, tempDir, publishTo } from './helpers.js';

let root: string;
let fake: FakeGitHub;

async function boot(options: Parameters<typeof startFake>[1] = {}) {
  fake = await startFake(join(root, 'server'), options);
}
beforeEach(() => {
  root = tempDir('scenario');
});
afterEach(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

function publish(dir: string, extra: Parameters<typeof publishTo>[3] = {}) {
  return publishTo(fake, root, dir, extra);
}

/** Everything under the service directory except .git, plus the git state we promise not to touch. */
function localSnapshot(dir: string) {
  const files = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true })
      .filter((e) => e.name !== '.git')
      .flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [`${join(d, e.name)}:${readFileSync(join(d, e.name), 'utf8')}`]));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  return { files: files(dir).sort(), refs: git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'), status: git('status', '--porcelain') };
}

describe('adopting and refusing existing repositories', () => {
  it('adopts an existing empty repository and brings its settings in line', async () => {
    await boot();
    const dir = makeService(root);
    fake.seedRepo('acme', 'orders');
    const report = await publish(dir);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.steps[0]?.status).toBe('changed');
    expect(report.steps[0]?.changes.join('\n')).toMatch(/allow_merge_commit: true → false/);
    expect(fake.requests.filter((r) => r.operationId === 'repos/create-in-org')).toEqual([]);
    const repo = fake.repo('acme', 'orders');
    expect(repo && fake.branches(repo)).toEqual([{ name: 'main', sha: gitHead(dir) }]);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a name clash with a non-empty repository and leaves the service untouched', async () => {
    await boot();
    const dir = makeService(root);
    const other = makeService(join(root, 'elsewhere'), { description: 'somebody else' });
    const seeded = fake.seedRepo('acme', 'orders');
    execFileSync('git', ['push', '--quiet', seeded.bareDir, 'main:main'], { cwd: other });
    const before = localSnapshot(dir);
    const report = await publish(dir);
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ id: 'repository', status: 'failed' });
    expect(report.steps[0]?.message).toMatch(
      /acme\/orders already exists and is not empty, and its history does not contain this service's first commit [0-9a-f]{12}/,
    );
    expect(report.steps[0]?.fix).toMatch(/choose another name/);
    expect(report.steps.slice(1).every((s) => s.status === 'not-run')).toBe(true);
    expect(report.mutatingRequests).toBe(0);
    expect(localSnapshot(dir)).toEqual(before);
    expect(execFileSync('git', ['remote'], { cwd: dir, encoding: 'utf8' })).toBe('');
    // The other repository's content is untouched.
    expect(fake.branches(seeded)).toEqual([{ name: 'main', sha: gitHead(other) }]);
  });

  it('refuses to repoint an origin remote that points elsewhere', async () => {
    await boot();
    const dir = makeService(root);
    execFileSync('git', ['remote', 'add', 'origin', 'https://git.example.test/other.git'], { cwd: dir });
    const report = await publish(dir);
    const push = report.steps.find((s) => s.id === 'push');
    expect(push?.status).toBe('failed');
    expect(push?.message).toMatch(/origin already points to https:\/\/git\.example\.test\/other\.git/);
    expect(execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('https://git.example.test/other.git');
    expect(report.steps.find((s) => s.id === 'ruleset')?.status).toBe('not-run');
    // Steps that do not need the push still ran.
    expect(report.steps.find((s) => s.id === 'variables')?.status).toBe('changed');
  });
});

describe('drift and partial state', () => {
  it('repairs only what differs after someone changed settings by hand', async () => {
    await boot();
    const dir = makeService(root);
    expect((await publish(dir)).ok).toBe(true);
    const repo = fake.repo('acme', 'orders');
    if (repo === undefined) throw new Error('no repo');
    const ruleset = [...repo.rulesets.values()][0];
    if (ruleset === undefined) throw new Error('no ruleset');
    ruleset.rules = ruleset.rules.filter((r) => (r as { type: string }).type !== 'required_linear_history').concat([{ type: 'required_signatures' }]);
    repo.teamAccess.set('payments', 'push');
    repo.variables.delete('PAVED_TEAM');
    const before = fake.requests.length;
    const report = await publish(dir);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['repository', 'unchanged'],
      ['push', 'unchanged'],
      ['ruleset', 'changed'],
      ['team-access', 'changed'],
      ['environments', 'unchanged'],
      ['variables', 'changed'],
    ]);
    const mutating = fake.requests
      .slice(before)
      .filter((r) => r.mutating)
      .map((r) => r.operationId);
    expect(mutating).toEqual(['repos/update-repo-ruleset', 'teams/add-or-update-repo-permissions-in-org', 'actions/create-repo-variable']);
    // The rule someone added by hand is kept.
    expect((ruleset.rules as { type: string }[]).map((r) => r.type)).toContain('required_signatures');
    expect((ruleset.rules as { type: string }[]).map((r) => r.type)).toContain('required_linear_history');
    expect(fake.violations).toEqual([]);
  });

  it('still recognises its repository after the team pushed branches of its own', async () => {
    await boot();
    const dir = makeService(root);
    expect((await publish(dir)).ok).toBe(true);
    const repo = fake.repo('acme', 'orders');
    if (repo === undefined) throw new Error('no repo');
    const clone = join(root, 'teammate');
    execFileSync('git', ['clone', '--quiet', repo.bareDir, clone]);
    writeFileSync(join(clone, 'feature.txt'), 'x\n');
    execFileSync('git', ['checkout', '-qb', 'feature'], { cwd: clone });
    execFileSync('git', ['add', '.'], { cwd: clone });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-qm', 'feature'], { cwd: clone });
    execFileSync('git', ['push', '--quiet', 'origin', 'feature'], { cwd: clone });
    const again = await publish(dir);
    expect(again.steps.map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.mutatingRequests).toBe(0);
  });

  it('pushes new local commits fast-forward on a re-run', async () => {
    await boot();
    const dir = makeService(root);
    expect((await publish(dir)).ok).toBe(true);
    writeFileSync(join(dir, 'NOTES.md'), 'more\n');
    execFileSync('git', ['add', 'NOTES.md'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-qm', 'notes'], { cwd: dir });
    const report = await publish(dir);
    expect(report.steps.find((s) => s.id === 'push')?.status).toBe('changed');
    const repo = fake.repo('acme', 'orders');
    expect(repo && fake.branches(repo)).toEqual([{ name: 'main', sha: gitHead(dir) }]);
  });
});

describe('the required status check', () => {
  const requiredContexts = (name: string) => {
    const ruleset = [...(fake.repo('acme', name)?.rulesets.values() ?? [])][0];
    const rule = (ruleset?.rules as { type: string; parameters?: { required_status_checks?: { context: string }[] } }[]).find(
      (r) => r.type === 'required_status_checks',
    );
    return rule?.parameters?.required_status_checks?.map((c) => c.context);
  };

  it("is the check the CI workflow's ci job reports through Paved's reusable workflow", async () => {
    await boot();
    const dir = makeService(root);
    writeFileSync(
      join(dir, '.github', 'workflows', 'ci.yml'),
      'name: CI\non: [pull_request]\njobs:\n  ci:\n    name: Lint, test, build\n    uses: acme/paved/.github/workflows/ci-typescript.yml@0123456789abcdef0123456789abcdef01234567\n',
    );
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-qam', 'ci'], { cwd: dir });
    expect((await publish(dir)).ok).toBe(true);
    expect(requiredContexts('orders')).toEqual(['Lint, test, build / Lint, test, build']);
  });

  it('comes from publish.requiredChecks in the answers file when given', async () => {
    await boot();
    const dir = makeService(root);
    writeFileSync(
      join(dir, '.paved', 'answers.yaml'),
      `${readFileSync(join(dir, '.paved', 'answers.yaml'), 'utf8')}publish:\n  requiredChecks: [build, e2e]\n  variables: { REGISTRY: ghcr.io/acme }\n`,
    );
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-qam', 'checks'], { cwd: dir });
    expect((await publish(dir)).ok).toBe(true);
    expect(requiredContexts('orders')).toEqual(['build', 'e2e']);
    expect(fake.repo('acme', 'orders')?.variables.get('REGISTRY')?.value).toBe('ghcr.io/acme');
  });
});

describe('service files', () => {
  it('lists every problem in the catalog and answers before sending anything', async () => {
    await boot();
    const dir = makeService(root, { tags: ['Fine', 'not a topic!'] });
    writeFileSync(
      join(dir, '.paved', 'answers.yaml'),
      `${readFileSync(join(dir, '.paved', 'answers.yaml'), 'utf8')}publish:\n  variables: { GITHUB_SHA: x, 'bad-name': y }\n`,
    );
    const error = await publish(dir).then(
      () => undefined,
      (e: unknown) => e as Error & { exitCode?: number },
    );
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/3 problems/);
    expect(error?.message).toMatch(/tags not a topic! cannot be GitHub topics/);
    expect(error?.message).toMatch(/publish\.variables\.GITHUB_SHA is not a valid Actions variable name/);
    expect(error?.message).toMatch(/publish\.variables\.bad-name is not a valid/);
    expect(fake.requests).toEqual([]);
  });
});

describe('permissions, tokens and owners', () => {
  it('names the missing scope when the token cannot read teams, and finishes once it can', async () => {
    await boot({ scopes: ['repo', 'workflow'] });
    const dir = makeService(root);
    const report = await publish(dir);
    expect(report.ok).toBe(false);
    const team = report.steps.find((s) => s.id === 'team-access');
    expect(team?.status).toBe('failed');
    expect(team?.message).toMatch(
      /GitHub refused to grant the owning team access .*403.*needs the classic-token scope\(s\) read:org and the token has repo, workflow/,
    );
    expect(formatReport(report)).toMatch(/Left: team access, environments/);
    fake.options.scopes = ['repo', 'workflow', 'read:org'];
    const rerun = await publish(dir);
    expect(rerun.ok, formatReport(rerun)).toBe(true);
    expect(rerun.steps.filter((s) => s.status === 'changed').map((s) => s.id)).toEqual(['team-access', 'environments']);
  });

  it('explains a plan that has no rulesets for private repositories', async () => {
    await boot({ plan: 'free' });
    const report = await publish(makeService(root));
    const ruleset = report.steps.find((s) => s.id === 'ruleset');
    expect(ruleset?.status).toBe('failed');
    expect(ruleset?.message).toMatch(/plan for this owner does not include .*Upgrade to GitHub Pro/);
    expect(ruleset?.fix).toMatch(/--visibility public/);
    expect(report.steps.filter((s) => s.status === 'changed').map((s) => s.id)).toEqual(['repository', 'push', 'team-access', 'environments', 'variables']);
  });

  it('says the token was rejected', async () => {
    await boot();
    const report = await publish(makeService(root), { token: 'ghp_revoked' });
    expect(report.steps[0]?.status).toBe('failed');
    expect(report.steps[0]?.message).toMatch(/GitHub rejected the token .*401 Bad credentials/);
    expect(report.steps[0]?.fix).toMatch(/gh auth login/);
  });

  it('publishes for the token user: personal repository, no team step, the user approves production', async () => {
    await boot();
    const dir = makeService(root, { org: 'octocat' });
    const report = await publish(dir, { owner: 'octocat', visibility: 'public' });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.steps.find((s) => s.id === 'team-access')).toMatchObject({ status: 'skipped' });
    expect(fake.requests.some((r) => r.operationId === 'repos/create-for-authenticated-user')).toBe(true);
    const repo = fake.repo('octocat', 'orders');
    expect(repo?.visibility).toBe('public');
    expect(repo?.environments.get('production')?.reviewers.map((r) => r.type)).toEqual(['User']);
    expect(fake.violations).toEqual([]);
  });

  it('reports an owner that does not exist, and another user as owner', async () => {
    await boot();
    const unknown = await publish(makeService(root, { slug: false }), { owner: 'nobody-here' });
    expect(unknown.steps[0]?.message).toMatch(/no organisation or user named nobody-here/);
    const other = await publish(makeService(join(root, 'b'), { slug: false }), { owner: 'hubot' });
    expect(other.steps[0]?.message).toMatch(
      /hubot is a user account, and a token can only create repositories for its own user \(this one belongs to octocat\)/,
    );
    expect(other.steps[0]?.fix).toMatch(/--owner octocat/);
    expect(fake.mutatingRequests()).toEqual([]);
  });

  it('refuses an owner that disagrees with the catalog slug before sending anything', async () => {
    await boot();
    await expect(publish(makeService(root), { owner: 'other-org' })).rejects.toThrow(/names the repository acme\/orders .* but --owner is other-org/);
    expect(fake.requests).toEqual([]);
  });

  it('publishes an internal repository to GitHub Enterprise Server (/api/v3, GHES 3.19 description)', async () => {
    await boot({ apiPrefix: '/api/v3', spec: 'ghes-3.19' });
    const dir = makeService(root);
    const report = await publish(dir, { apiUrl: fake.apiUrl, visibility: 'internal' });
    expect(fake.apiUrl).toMatch(/\/api\/v3$/);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(fake.repo('acme', 'orders')?.visibility).toBe('internal');
    expect(fake.violations).toEqual([]);
  });

  it('the GitHub.com description has no internal visibility, and the fake says so', async () => {
    await boot();
    const report = await publish(makeService(root), { visibility: 'internal' });
    expect(report.ok).toBe(false);
    expect(fake.violations.join()).toMatch(/body\/visibility must be equal to one of the allowed values/);
  });

  it('will not send the token over plain http to a remote host', async () => {
    await boot();
    await expect(publish(makeService(root), { apiUrl: 'http://github.example.test/api/v3' })).rejects.toThrow(/refusing to send the GitHub token/);
  });

  it('dry run reports what would change and sends no mutating request', async () => {
    await boot();
    const dir = makeService(root);
    const report = await publish(dir, { dryRun: true });
    expect(report.steps.map((s) => s.status)).toEqual(['would-change', 'would-change', 'would-change', 'would-change', 'would-change', 'would-change']);
    expect(fake.mutatingRequests()).toEqual([]);
    expect(fake.repo('acme', 'orders')).toBeUndefined();
    expect(execFileSync('git', ['remote'], { cwd: dir, encoding: 'utf8' })).toBe('');
    expect(formatReport(report)).toMatch(/Nothing was changed/);
  });
});
