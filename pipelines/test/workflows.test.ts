// The reusable workflows, the project's own CI and the callers a template
// generates, checked with the real actionlint and zizmor plus our own
// hardening rules. Every check has a negative control proving it can fail.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { actionlint, formatFindings, zizmor } from '@paved/testkit';
import { $ } from 'zx/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { hardeningProblems, usesOf } from '../src/index.js';
import { callerProject } from './callers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOWS_DIR = join(ROOT, '.github', 'workflows');
const CALLERS_DIR = join(import.meta.dirname, 'fixtures', 'callers');
const ymls = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
const OWN = ymls(WORKFLOWS_DIR);
const CALLERS = ymls(CALLERS_DIR);
const REUSABLE = ['ci-typescript', 'ci-go', 'ci-python', 'ci-java', 'container-check', 'container', 'release', 'promote', 'platform'];

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

async function hardening(files: string[]): Promise<string[]> {
  const problems = await Promise.all(files.map(async (f) => hardeningProblems(await readFile(f, 'utf8'), basename(f))));
  return problems.flat().map((p) => `${p.file} ${p.at}: ${p.message}`);
}

async function pinProblems(files: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    for (const uses of usesOf(await readFile(file, 'utf8'))) {
      if (!uses.startsWith('./') && !/@[0-9a-f]{40}$/.test(uses)) problems.push(`${basename(file)}: ${uses}`);
    }
  }
  return problems;
}

async function callerProjectIn(callers: Record<string, string>): Promise<{ dir: string; files: string[] }> {
  const dir = await tempDir('paved-callers-');
  return { dir, files: await callerProject(dir, callers) };
}

describe('the workflows in .github/workflows', () => {
  it('are the project CI and one reusable workflow per pipeline', () => {
    expect(OWN.map((f) => basename(f, '.yml')).sort()).toEqual([...REUSABLE, 'ci'].sort());
  });

  it('pass actionlint (with shellcheck) with zero findings', async () => {
    const findings = await actionlint(OWN, { cwd: ROOT });
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('pass zizmor (offline, every severity) with zero findings', async () => {
    const findings = await zizmor(OWN);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('pin every action to a 40-hex commit SHA with its version in a comment', async () => {
    expect(await pinProblems(OWN)).toEqual([]);
    expect((await hardening(OWN)).filter((p) => p.includes('SHA'))).toEqual([]);
  });

  it('follow the hardening rules', async () => {
    expect(await hardening(OWN)).toEqual([]);
  });

  it('are all reusable (workflow_call) except ci.yml, which runs .ci/run', async () => {
    for (const file of OWN) {
      const text = await readFile(file, 'utf8');
      if (basename(file) === 'ci.yml') {
        expect(text).toMatch(/run: bash \.ci\/run\n/);
        expect(text).not.toContain('workflow_call');
      } else {
        expect(text, basename(file)).toMatch(/^on:\n {2}workflow_call:\n/m);
      }
    }
  });
});

describe('the Paved tooling the reusable workflows run', () => {
  const PACKAGE_OF: Record<string, string> = { 'release.yml': 'pipelines', 'promote.yml': 'pipelines', 'platform.yml': 'platform' };

  it.each(Object.keys(PACKAGE_OF))(
    '%s installs its published package at the version it pins — the package version of the same commit — and never a checkout of Paved',
    async (file) => {
      const text = await readFile(join(WORKFLOWS_DIR, file), 'utf8');
      const workflow = parseYaml(text) as {
        env?: Record<string, unknown>;
        jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }> }>;
      };
      const { name, version } = JSON.parse(await readFile(join(ROOT, PACKAGE_OF[file]!, 'package.json'), 'utf8')) as { name: string; version: string };
      // an exact version (a range or dist-tag would let the tooling move under a pinned SHA)
      expect(workflow.env?.['PAVED_VERSION']).toBe(version);
      expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
      for (const [job, spec] of Object.entries(workflow.jobs)) {
        const steps = spec.steps ?? [];
        expect(
          steps.filter((step) => step.with?.['repository']),
          `${file} ${job}: no checkout of another repository`,
        ).toEqual([]);
        const install = steps.findIndex((step) => step.run?.includes(`npm install --prefix "$RUNNER_TEMP/paved"`));
        const uses = steps.findIndex((step) =>
          /\bpaved-(platform|pipelines) |RUNNER_TEMP\/paved\/node_modules/.test((step.run ?? '').replace(/npm install[^\n]*\n[^\n]*\n/, '')),
        );
        if (uses === -1) continue;
        expect(install, `${file} ${job}: installs Paved before running it`).toBeGreaterThanOrEqual(0);
        expect(install).toBeLessThan(uses);
        expect(steps[install]!.run).toContain(`"${name}@$PAVED_VERSION"`);
        expect(steps[install]!.run).toContain('--ignore-scripts');
      }
    },
  );
});

describe('callers as a template generates them', () => {
  it('pass actionlint, zizmor and the hardening rules as written (remote, SHA-pinned)', async () => {
    const lint = await actionlint(CALLERS, { cwd: CALLERS_DIR });
    expect(lint, formatFindings(lint)).toEqual([]);
    const audit = await zizmor(CALLERS);
    expect(audit, formatFindings(audit)).toEqual([]);
    expect(await hardening(CALLERS)).toEqual([]);
    expect(await pinProblems(CALLERS)).toEqual([]);
  });

  it('call every reusable workflow, all pinned to one SHA, and pass no Paved location or token', async () => {
    const called = new Set<string>();
    const refs = new Set<string>();
    for (const file of CALLERS) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/acme\/paved\/\.github\/workflows\/([\w-]+)\.yml@([0-9a-f]{40})/g)) {
        called.add(match[1] ?? '');
        refs.add(match[2] ?? '');
      }
      expect(text, basename(file)).not.toMatch(/paved-(ref|repository|token):/);
    }
    expect([...called].sort()).toEqual([...REUSABLE].sort());
    expect(refs.size).toBe(1);
  });

  it('match the inputs, secrets and outputs the reusable workflows declare', async () => {
    const callers = Object.fromEntries(await Promise.all(CALLERS.map(async (f) => [basename(f), await readFile(f, 'utf8')] as const)));
    const { dir, files } = await callerProjectIn(callers);
    const findings = await actionlint(files, { cwd: dir });
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it('would be caught calling with an unknown input, without a required one, or reading an undeclared output', async () => {
    const delivery = await readFile(join(CALLERS_DIR, 'delivery.yml'), 'utf8');
    const broken = delivery
      .replace('node-version: "22"', 'nod-version: "22"')
      .replace(/(promote\.yml@[\s\S]*?)\n {6}environment: dev/, '$1')
      .replace('needs.container.outputs.ref', 'needs.container.outputs.reference');
    const { dir, files } = await callerProjectIn({ 'delivery.yml': broken });
    const messages = (await actionlint(files, { cwd: dir })).map((f) => f.message).join('\n');
    expect(messages).toContain('input "nod-version" is not defined in "./.github/workflows/ci-typescript.yml" reusable workflow');
    expect(messages).toContain('input "environment" is required by "./.github/workflows/promote.yml" reusable workflow');
    expect(messages).toMatch(/property "reference" is not defined/);
  });
});

describe('hardening rules (negative controls)', () => {
  const BAD = `name: bad
on:
  pull_request_target:
  workflow_call:
permissions:
  contents: write
concurrency: x
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
      - run: echo "\${{ github.event.pull_request.title }} \${{ runner.temp }}"
  deploy:
    uses: acme/paved/.github/workflows/promote.yml@main
    secrets: inherit
`;

  it('names every broken rule', () => {
    const problems = hardeningProblems(BAD, 'bad.yml').map((p) => `${p.at}: ${p.message}`);
    const expected = [
      /^on: pull_request_target/,
      /^permissions\.contents: top-level contents: write/,
      /^concurrency: a reusable workflow's top-level concurrency/,
      /^jobs\.build: no permissions/,
      /^jobs\.build: no timeout-minutes/,
      /^jobs\.build: no concurrency group/,
      /^jobs\.build\.steps\[0\]: actions\/checkout@v4 is not pinned/,
      /^jobs\.build\.steps\[0\]: actions\/checkout without persist-credentials: false/,
      /^jobs\.build\.steps\[2\]: \$\{\{ github\.event\.pull_request\.title \}\} inside run:/,
      /^jobs\.deploy: no permissions/,
      /^jobs\.deploy: acme\/paved\/\.github\/workflows\/promote\.yml@main is not pinned/,
      /^jobs\.deploy: secrets: inherit/,
      /^actions\/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020: a pinned SHA needs its version in a comment/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        `${String(pattern)} in\n${problems.join('\n')}`,
      ).toBe(true);
    expect(problems).toHaveLength(expected.length); // runner.temp is safe in run:
  });

  it('zizmor and actionlint do report a vulnerable workflow', async () => {
    const dir = await tempDir('paved-bad-');
    const file = join(dir, 'bad.yml');
    await writeFile(file, BAD.replace('      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020\n', ''));
    const rules = new Set((await zizmor([file])).map((f) => f.rule));
    expect(rules).toContain('template-injection');
    expect(rules).toContain('artipacked');
    expect(rules).toContain('unpinned-uses');
    expect((await actionlint([file], { cwd: dir })).length).toBeGreaterThan(0);
  });
});

describe('workflows of every generated template', () => {
  const cli = join(ROOT, 'cli', 'bin', 'create-service.js');
  const head = $({ cwd: ROOT, quiet: true })`git rev-parse HEAD`.then((r) => r.stdout.trim());

  /**
   * A service's workflows are thin callers: the shared layer's CI calls this language's
   * reusable CI, and every `uses:` pins the Paved commit that generated it
   * (this checkout's HEAD). Rewritten to local calls, actionlint checks each `with:`,
   * `secrets:` and `needs.*.outputs` against what the reusable workflows declare.
   * (A template whose own ci.yml still overrides the layer's is checked for its other files.)
   */
  async function expectThinCallers(id: string, language: string, workflows: string[]): Promise<void> {
    const texts = Object.fromEntries(await Promise.all(workflows.map(async (f) => [basename(f), await readFile(f, 'utf8')] as const)));
    const remote = Object.values(texts).join('\n');
    if (remote.includes('/.github/workflows/ci-')) expect(remote, id).toContain(`acme/paved/.github/workflows/ci-${language}.yml@`);
    const sha = process.env['PAVED_WORKFLOWS_REF'] ?? (await head);
    const pins = [...remote.matchAll(/acme\/paved\/\.github\/workflows\/[\w.-]+\.yml@([0-9a-f]{40})/g)].map((m) => m[1]);
    expect(pins.length, `${id}: no call of acme/paved's reusable workflows`).toBeGreaterThan(0);
    for (const pin of pins) expect(pin, id).toBe(sha);
    const { dir, files } = await callerProjectIn(texts);
    const findings = await actionlint(files, { cwd: dir });
    expect(findings, `${id}:\n${formatFindings(findings)}`).toEqual([]);
  }
  const identity = {
    GIT_AUTHOR_NAME: 'Paved Test',
    GIT_AUTHOR_EMAIL: 'test@paved.invalid',
    GIT_COMMITTER_NAME: 'Paved Test',
    GIT_COMMITTER_EMAIL: 'test@paved.invalid',
  };

  it('pass actionlint, zizmor, SHA pinning and the hardening rules; paved promote works on their overlays', async () => {
    const listing = await $({ cwd: ROOT, nothrow: true, quiet: true })`${process.execPath} ${cli} --list-templates --json`;
    expect(listing.exitCode, `create-service --list-templates failed (is cli/ built? npm run build):\n${listing.stderr}`).toBe(0);
    const templates = JSON.parse(listing.stdout) as { id: string; language: string; features?: { id: string }[] }[];
    expect(templates.length).toBeGreaterThan(0);
    const parent = await tempDir('paved-generated-');
    const checked: string[] = [];
    for (const template of templates) {
      const features = (template.features ?? []).map((f) => f.id);
      const args = [
        cli,
        'orders',
        '--template',
        template.id,
        '--team',
        'checkout',
        '--yes',
        '--no-git',
        '--dir',
        join(parent, template.id),
        '--set',
        'githubOrg=acme',
      ];
      if (features.length > 0) args.push('--with', features.join(','));
      await mkdir(join(parent, template.id), { recursive: true });
      const generated = await $({ cwd: ROOT, nothrow: true, quiet: true, env: { ...process.env, CI: 'true' } })`${process.execPath} ${args}`;
      expect(generated.exitCode, `${template.id}: ${generated.stderr}`).toBe(0);
      const service = join(parent, template.id, 'orders');
      const workflowsDir = join(service, '.github', 'workflows');
      // a golden path still being written may not have its workflows yet
      const workflows = existsSync(workflowsDir) ? ymls(workflowsDir) : [];
      if (workflows.length > 0) checked.push(template.id);

      if (workflows.length > 0) {
        const lint = await actionlint(workflows, { cwd: service });
        expect(lint, `${template.id}:\n${formatFindings(lint)}`).toEqual([]);
        const audit = await zizmor(workflows);
        expect(audit, `${template.id}:\n${formatFindings(audit)}`).toEqual([]);
        expect(await pinProblems(workflows), template.id).toEqual([]);
        expect(await hardening(workflows), template.id).toEqual([]);
        await expectThinCallers(template.id, template.language, workflows);
      }

      // the generated overlays are what paved promote edits
      const inService = $({ cwd: service, quiet: true, env: { ...process.env, ...identity } });
      await inService`git init --quiet --initial-branch=main`;
      await inService`git add --all`;
      await inService`git commit --quiet --no-verify -m ${'feat: generated'}`;
      const digest = `sha256:${'5e'.repeat(32)}`;
      const promoted = await $({ cwd: service, nothrow: true, quiet: true, env: { ...process.env, ...identity } })`${process.execPath} ${[
        join(ROOT, 'pipelines', 'bin', 'paved-pipelines.js'),
        'promote',
        '--env',
        'staging',
        '--image',
        `ghcr.io/acme/orders:1.0.0@${digest}`,
        '--json',
      ]}`;
      expect(promoted.exitCode, `${template.id}: ${promoted.stderr}`).toBe(0);
      expect(JSON.parse(promoted.stdout)).toMatchObject({ changed: true, after: { newTag: '1.0.0', digest } });
    }
    // the golden path the others follow must be among those checked
    expect(checked).toContain('typescript');
  }, 180_000);
});
