import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main, type Io } from '../../src/main.js';
import type { CommandIo } from '../../src/publish/index.js';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { captureStream } from '../support.js';
import { FAST, runEnv, startFake, tempDir } from './helpers.js';

/**
 * The whole golden path: `create-service … --publish` renders a real template, commits it
 * and publishes it. The ruleset must require the check the generated CI workflow reports.
 */
let root: string;
let fake: FakeGitHub;
beforeAll(async () => {
  root = tempDir('generated');
  fake = await startFake(join(root, 'server'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('create-service --publish', () => {
  it('generates the typescript service and publishes it with guardrails', async () => {
    const home = join(root, 'home');
    const work = join(root, 'work');
    mkdirSync(home, { recursive: true });
    mkdirSync(work, { recursive: true });
    const out = captureStream();
    const err = captureStream();
    // tuning rides along on the io object, which create-service hands to the publish command.
    const io: Io & Pick<CommandIo, 'tuning'> = { stdout: out.stream, stderr: err.stream, env: runEnv(home), cwd: work, interactive: false, tuning: FAST };
    const code = await main(
      ['orders', '--template', 'typescript', '--team', 'payments', '--set', 'githubOrg=acme', '--publish', 'acme', '--api-url', fake.url],
      io,
    );
    expect(code, err.text() + out.text()).toBe(0);
    expect(fake.violations).toEqual([]);
    const repo = fake.repo('acme', 'orders');
    expect(repo).toBeDefined();
    if (repo === undefined) return;
    const dir = join(work, 'orders');
    expect(fake.branches(repo)).toEqual([{ name: 'main', sha: execFileSync('git', ['rev-parse', 'main'], { cwd: dir, encoding: 'utf8' }).trim() }]);
    const ruleset = [...repo.rulesets.values()][0];
    const checks = (ruleset?.rules as { type: string; parameters?: { required_status_checks?: { context: string }[] } }[]).find(
      (r) => r.type === 'required_status_checks',
    );
    expect(checks?.parameters?.required_status_checks).toEqual([{ context: 'Lint, test, build / Lint, test, build' }]);
    expect(Object.fromEntries(repo.teamAccess)).toEqual({ payments: 'maintain' });
    expect([...repo.environments.keys()].sort()).toEqual(['production', 'staging']);
    expect(repo.variables.get('PAVED_TEMPLATE')?.value).toMatch(/^typescript@\d+\.\d+\.\d+/);
    expect(out.text()).toMatch(/Done: acme\/orders is published and configured/);
  });

  it('--json prints one document: the scaffold summary with the publish report inside', async () => {
    const home = join(root, 'home-json');
    const work = join(root, 'work-json');
    mkdirSync(home, { recursive: true });
    mkdirSync(work, { recursive: true });
    const out = captureStream();
    const err = captureStream();
    const io: Io & Pick<CommandIo, 'tuning'> = { stdout: out.stream, stderr: err.stream, env: runEnv(home), cwd: work, interactive: false, tuning: FAST };
    const code = await main(
      ['billing', '--template', 'typescript', '--team', 'payments', '--set', 'githubOrg=acme', '--publish', 'acme', '--api-url', fake.url, '--json'],
      io,
    );
    expect(code, err.text()).toBe(0);
    const summary = JSON.parse(out.text()) as { name: string; template: { id: string }; publish: { ok: boolean } };
    expect(summary).toMatchObject({ name: 'billing', template: { id: 'typescript' }, publish: { ok: true } });
  });
});
