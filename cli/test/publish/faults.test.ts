import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport, publishService, type PublishReport } from '../../src/publish/index.js';
import type { FakeGitHub, FaultKind } from '../support/github/fake-github.js';
import { FAST, gitHead, makeService, runEnv, startFake, tempDir } from './helpers.js';

/**
 * Fault injection: every kind of failure at every step. A fault that passes (once) must be
 * ridden out within the run; a lasting one must leave a report that names what is left, and
 * the re-run after it clears must finish with nothing duplicated. Each case uses its own
 * repository (faults match its path), so cases run concurrently on one shared server.
 */

const API_KINDS: FaultKind[] = ['status500', 'status502', 'rate429', 'secondary', 'primary', 'drop', 'drop-after'];
const GIT_KINDS: FaultKind[] = ['status502', 'drop', 'drop-after'];

/** operation → the step it belongs to. */
const OPERATIONS: [string, string][] = [
  ['repos/get', 'repository'],
  ['repos/create-in-org', 'repository'],
  ['repos/replace-all-topics', 'repository'],
  ['repos/get-branch', 'push'],
  ['git/receive-pack-advertisement', 'push'],
  ['git/receive-pack', 'push'],
  ['repos/create-repo-ruleset', 'ruleset'],
  ['teams/add-or-update-repo-permissions-in-org', 'team-access'],
  ['repos/create-or-update-environment', 'environments'],
  ['repos/create-deployment-branch-policy', 'environments'],
  ['actions/create-repo-variable', 'variables'],
];

const CASES = OPERATIONS.flatMap(([op, step]) => (op.startsWith('git/') ? GIT_KINDS : API_KINDS).map((kind) => ({ op, step, kind })));

let root: string;
let fake: FakeGitHub;
let counter = 0;
/** Outcome per case; written as a table when PAVED_FAULT_MATRIX_OUT names a file. */
const outcomes = new Map<string, string>();
beforeAll(async () => {
  root = tempDir('faults');
  fake = await startFake(join(root, 'server'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
  const out = process.env.PAVED_FAULT_MATRIX_OUT;
  if (out === undefined || out === '') return;
  const rows = CASES.map(
    ({ op, kind }) => `| ${op} | ${kind} | ${outcomes.get(`once ${op} ${kind}`) ?? '?'} | ${outcomes.get(`lasting ${op} ${kind}`) ?? '?'} |`,
  );
  writeFileSync(out, ['| operation | fault | once | lasting, then re-run |', '|---|---|---|---|', ...rows, ''].join('\n'));
});

function publish(dir: string): Promise<PublishReport> {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return publishService({ dir, owner: 'acme', apiUrl: fake.url, env: runEnv(home), tuning: FAST });
}

/** What GitHub holds for the service, without ids and times: must equal a clean run's. */
function state(name: string) {
  const repo = fake.repo('acme', name);
  if (repo === undefined) return undefined;
  return {
    visibility: repo.visibility,
    description: repo.description,
    topics: [...repo.topics].sort(),
    settings: repo.settings,
    branches: fake.branches(repo).map((b) => b.name),
    rulesets: [...repo.rulesets.values()].map((r) => ({ name: r.name, enforcement: r.enforcement, rules: r.rules, conditions: r.conditions })),
    teams: Object.fromEntries(repo.teamAccess),
    environments: [...repo.environments.values()]
      .map((e) => ({
        name: e.name,
        reviewers: e.reviewers.map((r) => r.type),
        policy: e.deployment_branch_policy,
        branchPolicies: e.branch_policies.map((b) => b.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    variables: Object.fromEntries([...repo.variables].map(([k, v]) => [k, k === 'PAVED_SERVICE' ? v.value === name : v.value])),
  };
}

function newService(): { dir: string; name: string } {
  counter += 1;
  const name = `svc-${String(counter).padStart(4, '0')}`;
  return { dir: makeService(join(root, 'services'), { name }), name };
}

let expected: ReturnType<typeof state>;
beforeAll(async () => {
  const { dir, name } = newService();
  expect((await publish(dir)).ok).toBe(true);
  expected = state(name);
  expect(expected?.rulesets).toHaveLength(1);
});

/** Same state as a clean run: nothing missing, nothing twice (rulesets, policies, variables are lists). */
function expectFinishedCleanly(dir: string, name: string): void {
  expect(state(name)).toEqual(expected);
  const repo = fake.repo('acme', name);
  expect(repo && fake.branches(repo)).toEqual([{ name: 'main', sha: gitHead(dir) }]);
}

/** Re-running after success sends no mutating request for this repository. */
async function expectRerunChangesNothing(dir: string, name: string): Promise<void> {
  const mine = () => fake.requests.filter((r) => r.path.includes(`/acme/${name}`));
  const before = mine().length;
  const again = await publish(dir);
  expect(again.steps.map((s) => s.status).every((s) => s === 'unchanged')).toBe(true);
  expect(again.mutatingRequests).toBe(0);
  expect(
    mine()
      .slice(before)
      .filter((r) => r.mutating),
  ).toEqual([]);
}

describe.concurrent('a passing fault is ridden out in the same run', () => {
  it.each(CASES)('$kind once at $op', async ({ op, kind }) => {
    const { dir, name } = newService();
    const fault = fake.fault({ operationId: op, kind, times: 1, repo: `acme/${name}` });
    const report = await publish(dir);
    fake.clearFaults(`acme/${name}`);
    expect(fault.fired).toBe(1);
    expect(fake.violations).toEqual([]);
    expect(report.ok, formatReport(report)).toBe(true);
    expectFinishedCleanly(dir, name);
    outcomes.set(`once ${op} ${kind}`, 'completed in the same run');
  });
});

describe.concurrent('a lasting fault leaves a report of what is left, and a re-run finishes', () => {
  it.each(CASES)('$kind until cleared at $op', async ({ op, step, kind }) => {
    const { dir, name } = newService();
    const fault = fake.fault({ operationId: op, kind, times: Number.POSITIVE_INFINITY, repo: `acme/${name}` });
    const report = await publish(dir);
    fake.clearFaults(`acme/${name}`);
    expect(fault.fired).toBeGreaterThan(0);
    expect(fake.violations).toEqual([]);
    const text = formatReport(report);
    const failed = report.steps.find((s) => s.status === 'failed');
    if (kind === 'drop-after' && op !== 'git/receive-pack-advertisement' && failed === undefined) {
      // The change landed every time even though no answer came back: checking the state
      // again shows the step done, so the run may legitimately finish.
      expect(report.ok, text).toBe(true);
    } else {
      expect(report.ok, text).toBe(false);
      expect(failed?.id, text).toBe(step);
      expect(failed?.message, text).toMatch(messageFor(kind, op));
      expect(failed?.fix, text).toBeTruthy();
      expect(text).toMatch(/Not finished\. Done: .*Left: /);
      // Steps that need the failed one are reported as left, not attempted.
      for (const s of report.steps.filter((x) => x.status === 'not-run')) expect(s.message).toMatch(/waits for/);
    }
    const rerun = await publish(dir);
    expect(rerun.ok, formatReport(rerun)).toBe(true);
    outcomes.set(
      `lasting ${op} ${kind}`,
      `${failed === undefined ? 'landed anyway, run completed' : `${failed.id} failed: "${(failed.message ?? '').replace(/\(acme\/svc-\d+\)|acme\/svc-\d+|http:\/\/127[^ ]*/g, '…').slice(0, 90)}"; ${report.steps.filter((x) => x.status === 'not-run').length} left`}; re-run completed`,
    );
    expect(fake.violations).toEqual([]);
    expectFinishedCleanly(dir, name);
    await expectRerunChangesNothing(dir, name);
  });
});

function messageFor(kind: FaultKind, op: string): RegExp {
  if (op.startsWith('git/')) return /git push|push/;
  switch (kind) {
    case 'status500':
    case 'status502':
      return /GitHub failed while trying to .* \(50[02] /;
    case 'rate429':
      return /asked to slow down/;
    case 'secondary':
      return /secondary rate limit/;
    case 'primary':
      return /rate limit is used up.*resets at/;
    default:
      return /could not .*fetch failed|could not .*other side closed|could not /;
  }
}
