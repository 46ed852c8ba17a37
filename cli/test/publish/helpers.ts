import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitHub } from '../support/github/fake-github.js';
import { publishService, type ClientTuning, type PublishReport } from '../../src/publish/index.js';

/** Waits shrunk from seconds to milliseconds so fault injection stays fast. */
export const FAST: ClientTuning = { retries: 3, retryBaseMs: 1, rateLimitUnitMs: 1, writeSpacingMs: 0 };

/** A token shaped like a real one; the tests look for it (and its base64 forms) everywhere. */
export const TOKEN = 'ghp_PavedTestToken0123456789abcdefABCDEF';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `paved-${prefix}-`));
}

export interface ServiceSpec {
  name?: string;
  team?: string;
  org?: string;
  description?: string;
  tags?: string[];
  slug?: boolean;
}

/**
 * A directory shaped like create-service's output: catalog-info.yaml, .paved/answers.yaml,
 * CODEOWNERS, a CI workflow, committed on main in a real git repository.
 */
export function makeService(parent: string, spec: ServiceSpec = {}): string {
  const name = spec.name ?? 'orders';
  const team = spec.team ?? 'payments';
  const org = spec.org ?? 'acme';
  const dir = join(parent, name);
  mkdirSync(join(dir, '.paved'), { recursive: true });
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  const tags = spec.tags ?? ['typescript', 'paved'];
  writeFileSync(
    join(dir, 'catalog-info.yaml'),
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${name}`,
      `  description: ${JSON.stringify(spec.description ?? 'Takes orders: "fast" & safe')}`,
      '  annotations:',
      ...(spec.slug === false ? [] : [`    github.com/project-slug: ${org}/${name}`]),
      '    backstage.io/techdocs-ref: dir:.',
      `  tags: [${tags.join(', ')}]`,
      '  links:',
      `    - url: https://docs.example.test/${name}`,
      '      title: Docs',
      'spec:',
      '  type: service',
      '  lifecycle: experimental',
      `  owner: group:default/${team}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, '.paved', 'answers.yaml'),
    [
      'template: typescript',
      'templateVersion: 1.2.0',
      'generator: create-service@0.1.0',
      `name: ${name}`,
      `team: ${team}`,
      'features: []',
      'values:',
      '  description: Takes orders',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'CODEOWNERS'), `* @${org}/${team}\n`);
  writeFileSync(
    join(dir, '.github', 'workflows', 'ci.yml'),
    'name: ci\non: [push]\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n',
  );
  writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.test', 'commit', '--quiet', '--no-gpg-sign', '-m', 'Initial commit from create-service');
  git('branch', 'paved/template');
  return dir;
}

export function gitHead(dir: string): string {
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
}

/**
 * A `git` first on PATH that records every argument list it is started with, then runs the
 * real git: the proof that the token never reaches a process's arguments.
 */
export function recordingGit(parent: string): { path: string; log: string } {
  const bin = join(parent, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = join(parent, 'git-argv.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "git $*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  writeFileSync(log, '');
  return { path: `${bin}:${process.env.PATH ?? ''}`, log };
}

/** Every regular file under `dir` (following nothing special), for secret scans. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(path));
    else if (entry.isFile() && statSync(path).size < 64 * 1024 * 1024) out.push(path);
  }
  return out;
}

/** The token and the encodings it could leak in (Basic auth). */
export function secretForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString('base64'), Buffer.from(token).toString('base64')];
}

export function filesContaining(dir: string, needles: string[]): string[] {
  return allFiles(dir).filter((file) => {
    const text = readFileSync(file).toString('latin1');
    return needles.some((n) => text.includes(n));
  });
}

export async function startFake(
  root: string,
  options: { scopes?: string[]; apiPrefix?: string; spec?: 'api.github.com' | 'ghec' | 'ghes-3.19'; plan?: 'free' | 'team' } = {},
): Promise<FakeGitHub> {
  return new FakeGitHub({
    root,
    token: TOKEN,
    user: 'octocat',
    otherUsers: ['hubot'],
    orgs: [{ login: 'acme', teams: ['payments', 'search'] }],
    ...options,
  }).start();
}

/** Environment for a publish run: only what git needs, the token in GITHUB_TOKEN, a private HOME. */
export function runEnv(home: string, path: string = process.env.PATH ?? ''): NodeJS.ProcessEnv {
  return { PATH: path, HOME: home, GITHUB_TOKEN: TOKEN, GIT_CONFIG_NOSYSTEM: '1', LANG: 'C' };
}

/** Publishes `dir` to the fake as owner acme, with a fresh HOME under `root` and fast retries. */
export function publishTo(fake: FakeGitHub, root: string, dir: string, extra: Partial<Parameters<typeof publishService>[0]> = {}): Promise<PublishReport> {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return publishService({ dir, owner: 'acme', apiUrl: fake.apiUrl, env: runEnv(home), tuning: FAST, ...extra });
}
