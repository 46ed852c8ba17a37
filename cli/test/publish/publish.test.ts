import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RULESET_NAME } from '../../src/publish/steps/ruleset.js';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { gitHead, makeService, startFake, tempDir, publishTo } from './helpers.js';

let root: string;
let fake: FakeGitHub;

beforeEach(async () => {
  root = tempDir('publish');
  fake = await startFake(join(root, 'server'));
});
afterEach(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

function publish(dir: string, extra: Parameters<typeof publishTo>[3] = {}) {
  return publishTo(fake, root, dir, extra);
}

describe('publish happy path', () => {
  it('creates the repository, pushes main and configures guardrails, then a re-run changes nothing', async () => {
    const dir = makeService(root);
    const report = await publish(dir);
    expect(fake.violations).toEqual([]);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['repository', 'changed'],
      ['push', 'changed'],
      ['ruleset', 'changed'],
      ['team-access', 'changed'],
      ['environments', 'changed'],
      ['variables', 'changed'],
    ]);
    expect(report.ok).toBe(true);

    const repo = fake.repo('acme', 'orders');
    expect(repo).toBeDefined();
    if (repo === undefined) return;
    expect(repo.visibility).toBe('private');
    expect(repo.description).toBe('Takes orders: "fast" & safe');
    expect(repo.homepage).toBe('https://docs.example.test/orders');
    expect(repo.topics.sort()).toEqual(['paved', 'typescript']);
    expect(repo.settings).toEqual({ allow_merge_commit: false, allow_squash_merge: true, allow_rebase_merge: true, delete_branch_on_merge: true });
    expect(fake.branches(repo)).toEqual([{ name: 'main', sha: gitHead(dir) }]);
    // The pushed content is the service's own tree.
    expect(execFileSync('git', ['show', 'main:CODEOWNERS'], { cwd: repo.bareDir, encoding: 'utf8' })).toBe('* @acme/payments\n');

    const rulesets = [...repo.rulesets.values()];
    expect(rulesets).toHaveLength(1);
    const ruleset = rulesets[0];
    expect(ruleset?.name).toBe(RULESET_NAME);
    expect(ruleset?.enforcement).toBe('active');
    expect(ruleset?.conditions).toEqual({ ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } });
    const rules = new Map((ruleset?.rules as { type: string; parameters?: Record<string, unknown> }[]).map((r) => [r.type, r.parameters]));
    expect([...rules.keys()].sort()).toEqual(['deletion', 'non_fast_forward', 'pull_request', 'required_linear_history', 'required_status_checks']);
    expect(rules.get('pull_request')).toMatchObject({ require_code_owner_review: true, required_approving_review_count: 1 });
    expect(rules.get('required_status_checks')).toMatchObject({ required_status_checks: [{ context: 'ci' }] });

    expect(Object.fromEntries(repo.teamAccess)).toEqual({ payments: 'maintain' });
    expect([...repo.environments.keys()].sort()).toEqual(['production', 'staging']);
    const production = repo.environments.get('production');
    const paymentsTeamId = (await (await fetch(`${fake.url}/orgs/acme/teams/payments`, { headers: { authorization: `token ${fakeToken()}` } })).json()) as {
      id: number;
    };
    expect(production?.reviewers).toEqual([{ type: 'Team', id: paymentsTeamId.id }]);
    expect(production?.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
    expect(production?.branch_policies.map((b) => [b.name, b.type])).toEqual([['main', 'branch']]);
    expect(repo.environments.get('staging')?.reviewers).toEqual([]);
    expect(Object.fromEntries([...repo.variables].map(([k, v]) => [k, v.value]))).toEqual({
      PAVED_SERVICE: 'orders',
      PAVED_TEAM: 'payments',
      PAVED_TEMPLATE: 'typescript@1.2.0',
    });

    // The only local change: origin points at the repository, and main tracks it.
    expect(execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8' }).trim()).toBe(`${fake.url}/git/acme/orders.git`);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');

    const before = fake.requests.length;
    const again = await publish(dir);
    expect(again.ok).toBe(true);
    expect(again.steps.every((s) => s.status === 'unchanged')).toBe(true);
    expect(again.mutatingRequests).toBe(0);
    expect(fake.requests.slice(before).filter((r) => r.mutating)).toEqual([]);
    expect(fake.violations).toEqual([]);
  });
});

function fakeToken(): string {
  return fake.options.token;
}
