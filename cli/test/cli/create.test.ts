import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import semver from 'semver';
import { FIXTURE_TEMPLATES, NO_USER_CONFIG, runCli, tempDir } from '../support.js';
import { TEMPLATES_ROOT } from '../templates/harness.js';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/create-service.js', import.meta.url));
const base = ['--template', 'sample', '--team', 'payments'];

describe('create-service', () => {
  it('generates a service with an initial commit and the template branch', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--description', 'Takes orders'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created orders (sample 2.1.0, team payments) in orders');
    const dir = join(cwd, 'orders');
    expect(parse(await readFile(join(dir, 'config.yaml'), 'utf8')).description).toBe('Takes orders');
    const git = async (...args: string[]) => (await exec('git', args, { cwd: dir })).stdout.trim();
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('log', '--format=%s')).toBe('chore: scaffold orders from sample template 2.1.0');
    expect(await git('rev-parse', 'HEAD')).toBe(await git('rev-parse', 'paved/template'));
    expect(await git('ls-files')).toContain('.paved/answers.yaml');
  });

  it('stops quietly, its work done, when whoever reads its output has gone (| head)', async () => {
    const cwd = await tempDir();
    const child = spawn(process.execPath, [BIN, 'orders', ...base, '--no-git', '--dir', cwd], {
      env: { ...process.env, PAVED_TEMPLATES_DIR: FIXTURE_TEMPLATES, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader closes its end before the first line is printed: every write then fails (EPIPE).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await stat(join(cwd, 'orders', '.paved', 'answers.yaml'))).isFile()).toBe(true);
  });

  it('prints next steps for the package manager it was run with', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--no-git', '--set', 'port=9000'], {
      cwd,
      env: { npm_config_user_agent: 'pnpm/9.12.0 npm/? node/v24.0.0 linux x64' },
    });
    expect(result.stdout).toContain('Next steps:\n  cd orders\n  pnpm install\n  pnpm start -- --port 9000\n');
    const npm = await runCli(['billing', ...base, '--no-git'], { cwd, env: {} });
    expect(npm.stdout).toContain('  npm install\n  npm run start -- --port 8080\n');
  });

  it('warns when the Node.js it runs on is not the line the service runs on (.nvmrc), and says what to install', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', '--template', 'typescript', '--team', 'payments', '--yes', '--no-git'], { cwd, templates: TEMPLATES_ROOT, env: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Next steps:\n  cd orders\n  npm ci\n');
    const pinned = (await readFile(join(cwd, 'orders', '.nvmrc'), 'utf8')).trim();
    // The pin and the service's engines agree, so the warning speaks for both.
    const range = (JSON.parse(await readFile(join(cwd, 'orders', 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(semver.satisfies(`${pinned}.0.0`, range)).toBe(true);
    if (semver.major(process.versions.node) === Number(pinned)) expect(result.stderr).toBe('');
    else
      expect(result.stderr).toContain(
        `warning: the service runs on Node.js ${pinned} (.nvmrc); this is Node.js ${process.versions.node}. Install Node.js ${pinned}`,
      );
    // A service without package.json engines (Go) gets no such warning.
    const go = await runCli(['billing', '--template', 'go', '--team', 'payments', '--yes', '--no-git'], { cwd, templates: TEMPLATES_ROOT, env: {} });
    expect(go.stderr).toBe('');
  });

  it('--no-git writes the files without a repository', async () => {
    const cwd = await tempDir();
    expect((await runCli(['orders', ...base, '--no-git', '--dir', cwd], { cwd: '/' })).code).toBe(0);
    expect(await readdir(join(cwd, 'orders'))).not.toContain('.git');
  });

  it('--dry-run lists paths and sizes and writes nothing', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--dry-run'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Would write \d+ files \(\d+ bytes\) to .*orders:/);
    expect(result.stdout).toMatch(/\d+ {2}bin\/run\.sh {2}\(executable\)/);
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('--json prints a machine-readable summary', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--json', '--with', 'extra', '--no-git'], { cwd });
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      targetDir: join(cwd, 'orders'),
      template: { id: 'sample', version: '2.1.0' },
      features: ['extra'],
      dryRun: false,
      git: false,
    });
    expect(summary.files).toContainEqual({ path: 'src/extra.ts', size: expect.any(Number), mode: '0644' });
    expect(summary.files.map((f: { path: string }) => f.path)).toContain('.paved/answers.yaml');
  });

  it('lists templates as text and JSON', async () => {
    const cwd = await tempDir();
    const text = await runCli(['--list-templates'], { cwd });
    expect(text.stdout).toContain("sample 2.1.0 (text)\n  A small template the engine's tests render\n");
    expect(text.stdout).toContain('features: extra (Adds an extra module)');
    const json = JSON.parse((await runCli(['--list-templates', '--json'], { cwd })).stdout);
    expect(json[0]).toMatchObject({ id: 'sample', version: '2.1.0', features: [{ id: 'extra' }] });
  });

  it('with --json, an error is a JSON document on stdout too (and the message on stderr)', async () => {
    const cwd = await tempDir();
    const result = await runCli(['Orders', ...base, '--json'], { cwd });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { command: 'create-service', message: expect.stringContaining('has uppercase letters'), hint: expect.any(String), exitCode: 2 },
    });
    expect(result.stderr).toMatch(/^create-service: error: .*uppercase/);
  });

  describe('bad input: clear error, exit 2, nothing written', () => {
    it.each([
      [['Orders', ...base], /service name "Orders" has uppercase letters/],
      [['orders', '--template', 'nope', '--team', 'payments'], /unknown template "nope"; available: sample/],
      [['orders', ...base, '--with', 'turbo'], /no feature "turbo"; available: extra/],
      [['orders', ...base, '--set', 'port=80'], /port must be between 1024 and 65535/],
      [['orders', ...base, '--bogus'], /Unknown option '--bogus'/],
      [['orders', '--tempalte', 'sample', '--team', 'payments'], /Unknown option '--tempalte'; did you mean --template\?/],
      [['orders', 'extra words', ...base], /expected one service name, got 2/],
      [['orders', '--template', 'sample'], /the team is missing \(--team <team>\)/],
      [['orders', ...base, '--publish', 'acme', '--no-git'], /--publish cannot be combined with --no-git/],
      [['orders', ...base, '--visibility', 'public'], /only apply with --publish/],
      // refused before anything is written, not after (the publish step is the second half)
      [['orders', ...base, '--publish', 'acme', '--visibility', 'secret'], /--visibility "secret" is not one of private, internal, public/],
      [[], /the service name is missing[\s\S]*the template is missing[\s\S]*the team is missing/],
    ])('%j', async (argv, problem) => {
      const cwd = await tempDir();
      const result = await runCli(argv, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(problem);
      expect(result.stderr).toMatch(/^create-service: error: /);
      expect(result.stdout).toBe('');
      expect(await readdir(cwd)).toEqual([]);
    });

    it('refuses an existing non-empty target and keeps it as it was', async () => {
      const cwd = await tempDir();
      await runCli(['orders', ...base, '--no-git'], { cwd });
      const before = await readdir(join(cwd, 'orders'));
      const again = await runCli(['orders', ...base], { cwd });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists and is not empty/);
      expect(await readdir(join(cwd, 'orders'))).toEqual(before);
      expect(await readdir(cwd)).toEqual(['orders']);
    });
  });
});

describe('create-service refuses bad input before it writes anything', () => {
  it.each([
    ['a stray comma in --with', ['--with', ','], /^--with expects feature ids separated by commas \(got ","\)\n {2}for example: --with postgres,events\n$/],
    ['a flag that takes one value, given twice', ['-t', 'sample', '-t', 'other'], /^--template is given 3 times \("sample", "sample", "other"\); pass it once/],
    ['a number not in decimal digits', ['--set', 'port=0x1F90'], /parameter port must be a number in decimal digits, e\.g\. 8080 \(got "0x1F90"\)/],
    ['a description of only spaces', ['--description', '   '], /parameter description is only spaces; give text, or leave it out to take the default/],
    [
      'a control character, named with its place',
      ['--description', 'a\u0001b\nc'],
      /parameter description contains the control character U\+0001 at position 2; use printable text/,
    ],
    [
      'an owner GitHub would not accept, with --publish',
      ['--publish', 'Not An Owner!'],
      /--owner "Not An Owner!" is not a GitHub user or organisation name\n {2}use letters, digits and single hyphens/,
    ],
    [
      'a visibility GitHub does not have, with --publish',
      ['--publish', 'acme', '--visibility', 'secret'],
      /--visibility "secret" is not one of private, internal, public/,
    ],
  ])('%s', async (_what, args, message) => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--yes', ...args], { cwd, env: { GITHUB_TOKEN: 'not-used' } });
    expect(result.stderr.replace(/^create-service: error: /, '')).toMatch(message);
    expect(result.code).toBe(2);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('echoes at most the start of a long value, with its length', async () => {
    const cwd = await tempDir();
    const result = await runCli(['orders', ...base, '--yes', '--set', `owner=${'X'.repeat(900)}`], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`parameter owner "${'X'.repeat(60)}"… (900 characters) is not allowed: lowercase letters only`);
    expect(result.stderr.length).toBeLessThan(400);
  });

  it('gives the service folder the mode the umask gives any folder, and can name a service "update" with an option first', async () => {
    const cwd = await tempDir();
    expect((await runCli([...base, '--yes', '--no-git', 'update'], { cwd })).code).toBe(0);
    const mode = (await stat(join(cwd, 'update'))).mode & 0o777;
    const sibling = join(cwd, 'made-by-mkdir');
    await mkdir(sibling);
    expect(mode.toString(8)).toBe(((await stat(sibling)).mode & 0o777).toString(8));
  });
});

describe('the create-service executable', () => {
  const run = (args: string[], cwd: string) =>
    exec(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, PAVED_TEMPLATES_DIR: FIXTURE_TEMPLATES, CI: 'true' } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('prints help and version and exits 0', async () => {
    const cwd = await tempDir();
    expect((await run(['--help'], cwd)).stdout).toMatch(
      /^Usage: create-service <name> --template <id> --team <team> \[options\]\n {7}create-service --list-templates[\s\S]*Examples:\n {2}npx create-service [\s\S]*Exit codes:\n[\s\S]*130 {2}cancelled/,
    );
    expect((await run(['--version'], cwd)).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on bad input and 0 on success', async () => {
    const cwd = await tempDir();
    const bad = await run(['orders'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the template is missing (--template <id>)');
    const good = await run(['orders', ...base, '--yes'], cwd);
    expect(good.code).toBe(0);
    expect(await readdir(join(cwd, 'orders'))).toContain('.paved');
  });

  it("pins workflows to the Paved commit recorded in the package when installed inside another project's repository, not to that project's HEAD", async () => {
    const project = await tempDir();
    const git = async (...args: string[]) => (await exec('git', args, { cwd: project })).stdout.trim();
    await git('init', '-q', '-b', 'main');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'the project');
    const installed = join(project, 'node_modules', 'create-service');
    const cli = fileURLToPath(new URL('../..', import.meta.url));
    for (const part of ['bin', 'dist', 'package.json']) await cp(join(cli, part), join(installed, part), { recursive: true });
    await cp(TEMPLATES_ROOT, join(installed, 'templates'), { recursive: true });
    const recorded = 'c'.repeat(40);
    await writeFile(join(installed, 'dist', 'paved-ref'), `${recorded}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: NO_USER_CONFIG, CI: 'true' };
    delete env.PAVED_WORKFLOWS_REF;
    delete env.PAVED_TEMPLATES_DIR;
    await exec(process.execPath, [join(installed, 'bin', 'create-service.js'), 'orders', '--template', 'typescript', '--team', 't', '--yes', '--no-git'], {
      cwd: project,
      env,
    });
    const ci = await readFile(join(project, 'orders', '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(ci).toContain(`@${recorded}`);
    expect(ci).not.toContain(await git('rev-parse', 'HEAD'));
  });
});
