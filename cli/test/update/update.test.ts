import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyEdits, commitAll, editFile, existsSync, generate, git, gitDirState, read, rm, runCli, snapshot, tempDir, templatesAt, update, writeFile } from './helpers.js';

/** Version 1.1.0 of the fixture: one change in the middle of config.yaml and a new README section. */
const v110 = {
  'svc/files/config.yaml.hbs': (t: string) => t.replace('level: info', 'level: warn'),
  'svc/files/README.md.hbs': (t: string) => t.replace('## Support', '## Health\n\nGET /healthz answers 200.\n\n## Support'),
};

describe('paved update', () => {
  it('without local edits: the result equals a fresh generation at the new version', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const next = await templatesAt('1.1.0', v110);
    const result = await update(dir, next);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Updated .: svc template 1.0.0 → 1.1.0.');
    expect(result.stdout).toContain('Files: 3 updated, 0 added, 0 removed, 0 renamed, 0 conflicted');
    expect(result.stdout).toMatch(/ M config\.yaml\n/);

    const fresh = join(await tempDir(), 'orders');
    expect((await runCli(['orders', '--template', 'svc', '--team', 'payments', '--no-git', '--dir', join(fresh, '..')], { cwd: '/', templates: next })).code).toBe(0);
    expect(await snapshot(dir)).toEqual(await snapshot(fresh));

    expect(await git(dir, 'status', '--porcelain')).toBe('');
    expect(await git(dir, 'log', '-1', '--format=%s%n%P')).toMatch(/^chore: update from svc template 1\.0\.0 to 1\.1\.0\n\w+ \w+$/);
    expect(await git(dir, 'log', '--format=%s', 'paved/template')).toBe('chore: render svc template 1.1.0\nchore: scaffold orders from svc template 1.0.0');
    expect(parse(await read(dir, '.paved/answers.yaml')).templateVersion).toBe('1.1.0');

    const again = await update(dir, next);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('. is up to date with svc template 1.1.0.\n');
  });
});
