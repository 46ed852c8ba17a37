import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyEdits, commitAll, editFile, generate, git, read, runCli, tempDir, templatesAt, update, UPDATE_FIXTURES } from './helpers.js';

const version = (v: string) => ({ 'svc/template.yaml': (t: string) => t.replace(/^version: .*$/m, `version: ${v}`) });

/** A templates repository with releases 1.0.0, 1.1.0 and 1.2.0, each tagged templates/svc/v<version>; main is at 1.2.0. */
async function releasedTemplates(): Promise<string> {
  const repo = await tempDir('paved-templates-repo-');
  const root = join(repo, 'templates');
  await cp(UPDATE_FIXTURES, root, { recursive: true });
  await git(repo, 'init', '--quiet', '--initial-branch=main');
  const release = async (v: string) => {
    await commitAll(repo, `svc ${v}`);
    await git(repo, 'tag', `templates/svc/v${v}`);
  };
  await release('1.0.0');
  await applyEdits(root, {
    ...version('1.1.0'),
    'svc/files/config.yaml.hbs': (t) => t.replace('level: info', 'level: warn'),
    // Like the real templates, a workflow that pins the Paved commit the templates came from.
    'svc/files/.github/workflows/ci.yml.hbs': 'jobs:\n  ci:\n    uses: acme/paved/.github/workflows/ci.yml@{{paved.ref}}\n',
  });
  await release('1.1.0');
  await applyEdits(root, { ...version('1.2.0'), 'svc/files/config.yaml.hbs': (t) => t.replace('format: json', 'format: logfmt') });
  await release('1.2.0');
  return root;
}

describe('template versions', () => {
  it('--to renders a released version from its tag in the templates checkout', async () => {
    const templates = await releasedTemplates();
    const dir = await generate(await templatesAt('1.0.0'));
    const to110 = await update(dir, templates, ['--to', '1.1.0']);
    expect(to110.code, to110.stderr).toBe(0);
    expect(to110.stdout).toContain('Updated .: svc template 1.0.0 → 1.1.0 (from tag templates/svc/v1.1.0).');
    const config = await read(dir, 'config.yaml');
    expect(config).toContain('level: warn');
    expect(config).toContain('format: json');
    expect(await git(templates, 'status', '--porcelain'), 'the templates checkout is not touched').toBe('');
    const tagCommit = await git(templates, 'rev-parse', 'templates/svc/v1.1.0^{commit}');
    expect(await read(dir, '.github/workflows/ci.yml'), 'a tagged release pins its own commit').toContain(`ci.yml@${tagCommit}\n`);

    const latest = await update(dir, templates);
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stdout).toContain('Updated .: svc template 1.1.0 → 1.2.0.');
    expect(await read(dir, 'config.yaml')).toContain('format: logfmt');
  });

  it('says how to get a version that is not available', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const untagged = await update(dir, await releasedTemplates(), ['--to', '1.5.0']);
    expect(untagged.code).toBe(2);
    expect(untagged.stderr).toContain('template svc 1.5.0 is not available: ');
    expect(untagged.stderr).toContain('has no tag templates/svc/v1.5.0');
    expect(untagged.stderr).toContain('point PAVED_TEMPLATES_DIR at a checkout of the templates that has the tag templates/svc/v1.5.0');

    const notGit = await update(dir, await templatesAt('1.2.0'), ['--to', '1.1.0']);
    expect(notGit.code).toBe(2);
    expect(notGit.stderr).toMatch(/is version 1\.2\.0, not 1\.1\.0, and that folder is not a git checkout/);
  });

  it('does not downgrade', async () => {
    const dir = await generate(await templatesAt('1.2.0'));
    const result = await update(dir, await releasedTemplates(), ['--to', '1.1.0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the service is on svc template 1.2.0; 1.1.0 is older and update does not downgrade');
  });

  it('bootstraps a service without the template branch from a render of its recorded version', async () => {
    const templates = await releasedTemplates();
    const parent = await tempDir();
    expect((await runCli(['orders', '--template', 'svc', '--team', 'payments', '--no-git'], { cwd: parent, templates: await templatesAt('1.0.0') })).code).toBe(
      0,
    );
    const dir = join(parent, 'orders');
    await git(dir, 'init', '--quiet', '--initial-branch=main');
    await commitAll(dir, 'initial');
    await editFile(dir, 'config.yaml', (t) => t.replace('maxConnections: 100', 'maxConnections: 3'));
    await commitAll(dir);

    const refs = await git(dir, 'show-ref');
    const dry = await update(dir, templates, ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would merge cleanly');
    expect(dry.stdout).toContain('  M config.yaml');
    expect(await git(dir, 'show-ref'), 'a dry run creates no branch').toBe(refs);

    const result = await update(dir, templates);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No paved/template branch: created it from a render of svc template 1.0.0, the recorded version.');
    expect(result.stdout).toContain('Files: 2 updated');
    const config = await read(dir, 'config.yaml');
    expect(config).toContain('maxConnections: 3');
    expect(config).toContain('level: warn');
    expect(config).toContain('format: logfmt');
    expect(parse(await read(dir, '.paved/answers.yaml')).templateVersion).toBe('1.2.0');
    expect(await git(dir, 'log', '--format=%s', 'paved/template')).toBe('chore: render svc template 1.2.0\nchore: render svc template 1.0.0');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
    expect((await update(dir, templates)).stdout).toContain('up to date');
  });

  it('explains that a service without git must be committed first', async () => {
    const parent = await tempDir();
    const templates = await templatesAt('1.0.0');
    expect((await runCli(['orders', '--template', 'svc', '--team', 'payments', '--no-git'], { cwd: parent, templates })).code).toBe(0);
    const result = await update(join(parent, 'orders'), templates);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a git repository; update merges template changes with git');
    expect(result.stderr).toContain('git init && git add -A && git commit -m "initial"');
  });

  it('explains a folder that was not generated', async () => {
    const dir = await tempDir();
    const result = await update(dir, await templatesAt('1.0.0'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.paved/answers.yaml not found');
  });

  it('refuses a corrupted answers file with its place and how to restore it, changing nothing', async () => {
    const templates = await templatesAt('1.0.0');
    const dir = await generate(templates);
    for (const [edit, message] of [
      [(old: string) => old.replace(/^team: .*$/m, 'team: [payments]'), /answers\.yaml:\d+:7: team must be a string, got a list/],
      [
        (old: string) => old.replace(/^template: .*$/m, 'template: &t svc\nextra: *t'),
        /answers\.yaml:1:1: YAML aliases \(& and \*\) are not accepted in this file/,
      ],
      [() => 'template: [unclosed\n', /answers\.yaml:2:1: YAML syntax error/],
    ] as const) {
      await editFile(dir, '.paved/answers.yaml', edit);
      await commitAll(dir, 'break the answers file');
      const head = await git(dir, 'rev-parse', 'HEAD');
      const result = await update(dir, templates);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('restore it from git history (git log -- .paved/answers.yaml)');
      expect(result.stderr).not.toContain('unexpected error');
      expect(await git(dir, 'rev-parse', 'HEAD')).toBe(head);
      await git(dir, 'checkout', 'HEAD~1', '--', '.paved/answers.yaml');
      await commitAll(dir, 'restore the answers file');
    }
  });
});
