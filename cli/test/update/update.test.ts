import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  UPDATE_FIXTURES,
  commitAll,
  editFile,
  existsSync,
  generate,
  git,
  read,
  rm,
  runCli,
  snapshot,
  tempDir,
  templatesAt,
  update,
  writeFile,
} from './helpers.js';

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
    expect(
      (await runCli(['orders', '--template', 'svc', '--team', 'payments', '--no-git', '--dir', join(fresh, '..')], { cwd: '/', templates: next })).code,
    ).toBe(0);
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

describe('paved update merges local edits with template changes', () => {
  it('keeps local edits in files the template did not change, byte for byte', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'src/handler.ts', (t) => t.replace("'world'", "'orders'"));
    await writeFile(join(dir, 'src/local.ts'), 'export const mine = 1;\n');
    await commitAll(dir);
    const before = await read(dir, 'src/handler.ts');
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code, result.stderr).toBe(0);
    expect(await read(dir, 'src/handler.ts')).toBe(before);
    expect(await read(dir, 'src/local.ts')).toBe('export const mine = 1;\n');
    expect(await read(dir, 'config.yaml')).toContain('level: warn');
  });

  it('merges local and template edits in different parts of one file', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('maxConnections: 100', 'maxConnections: 500'));
    await commitAll(dir);
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code, result.stderr).toBe(0);
    const config = await read(dir, 'config.yaml');
    expect(config).toContain('maxConnections: 500');
    expect(config).toContain('level: warn');
    expect(config).not.toContain('<<<<<<<');
  });

  it('stops with conflict markers and exit code 3 when both sides changed the same lines', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('level: info', 'level: debug'));
    await commitAll(dir);
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('with conflicts to resolve');
    expect(result.stdout).toContain('  M config.yaml  (conflict)');
    expect(result.stdout).toContain('resolve the conflict markers in: config.yaml');
    const config = await read(dir, 'config.yaml');
    expect(config).toMatch(/<<<<<<< HEAD\n {2}level: debug\n=======\n {2}level: warn\n>>>>>>> paved\/template\n/);
    expect(await read(dir, 'README.md')).toContain('## Health');
    expect(await git(dir, 'diff', '--name-only', '--diff-filter=U')).toBe('config.yaml');
    // The answers file is the update's record and never conflicts: it is staged at the new version.
    expect(parse(await read(dir, '.paved/answers.yaml')).templateVersion).toBe('1.1.0');

    // Resolving and committing finishes the update; the next update has nothing left to do.
    await editFile(dir, 'config.yaml', (t) => t.replace(/<<<<<<< HEAD\n(.*\n)=======\n.*\n>>>>>>> paved\/template\n/, '$1'));
    await git(dir, 'add', 'config.yaml');
    await git(dir, 'commit', '--quiet', '--no-edit');
    expect(await git(dir, 'log', '-1', '--format=%s')).toBe('chore: update from svc template 1.0.0 to 1.1.0');
    expect((await update(dir, await templatesAt('1.1.0', v110))).stdout).toContain('up to date');
  });

  it('offers the same changes again after git merge --abort, and merges from the right base after a newer release', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('level: info', 'level: debug'));
    await commitAll(dir);
    expect((await update(dir, await templatesAt('1.1.0', v110))).code).toBe(3);
    await git(dir, 'merge', '--abort');
    expect(await git(dir, 'status', '--porcelain')).toBe('');

    const again = await update(dir, await templatesAt('1.1.0', v110), ['--dry-run']);
    expect(again.stdout).toContain('  M config.yaml  (conflict)');
    // 1.2.0 keeps 1.1.0's changes and adds one far from the conflict: the base is still 1.0.0's render.
    const later = await update(
      dir,
      await templatesAt('1.2.0', {
        ...v110,
        'svc/files/config.yaml.hbs': (t) => v110['svc/files/config.yaml.hbs'](t).replace('maxConnections: 100', 'maxConnections: 200'),
      }),
    );
    expect(later.code).toBe(3);
    expect(later.stdout).toContain('svc template 1.0.0 → 1.2.0');
    const config = await read(dir, 'config.yaml');
    expect(config).toContain('maxConnections: 200');
    expect(config).toContain('<<<<<<< HEAD\n  level: debug\n=======\n  level: warn\n');
  });

  it('renders with values edited in .paved/answers.yaml, which takes the new version without a conflict', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, '.paved/answers.yaml', (t) => t.replace('port: 8080', 'port: 9090'));
    await commitAll(dir);
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await read(dir, 'config.yaml')).toContain('port: 9090');
    const answers = parse(await read(dir, '.paved/answers.yaml'));
    expect(answers).toMatchObject({ templateVersion: '1.1.0', values: { port: 9090 } });
  });

  it('follows a file the template renamed, with the local edit, and removes one it deleted', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'src/handler.ts', (t) => t.replace("'world'", "'orders'"));
    await commitAll(dir);
    // The renamed file keeps most of its content (one line changes), so git's rename detection pairs them.
    const handler = await readFile(join(UPDATE_FIXTURES, 'svc/files/src/handler.ts'), 'utf8');
    const next = await templatesAt('1.1.0', {
      'svc/files/src/handler.ts': null,
      'svc/files/src/request-handler.ts': handler.replace('// Handles one request.', '// Handles one request (renamed).'),
      'svc/files/src/main.ts': (t) => t.replace('./handler.js', './request-handler.js'),
      'svc/files/docs/obsolete.md': null,
    });
    const result = await update(dir, next);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('  R src/handler.ts → src/request-handler.ts');
    expect(result.stdout).toContain('  D docs/obsolete.md');
    expect(existsSync(join(dir, 'src/handler.ts'))).toBe(false);
    expect(existsSync(join(dir, 'docs/obsolete.md'))).toBe(false);
    const renamed = await read(dir, 'src/request-handler.ts');
    expect(renamed).toContain("'orders'");
    expect(renamed).toContain('(renamed)');
  });

  it('keeps a file deleted locally deleted, and reports a conflict when the template changed it', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await rm(join(dir, 'docs/obsolete.md'));
    await rm(join(dir, 'src/handler.ts'));
    await commitAll(dir);
    const untouched = await update(dir, await templatesAt('1.1.0', v110));
    expect(untouched.code, untouched.stderr).toBe(0);
    expect(existsSync(join(dir, 'docs/obsolete.md'))).toBe(false);

    const changed = await update(dir, await templatesAt('1.2.0', { ...v110, 'svc/files/src/handler.ts': (t) => t.replace("'hello'", "'hi'") }));
    expect(changed.code).toBe(3);
    expect(changed.stdout).toContain('src/handler.ts  (conflict)');
    expect(await git(dir, 'status', '--porcelain', 'src/handler.ts')).toBe('DU src/handler.ts');
  });

  it('brings in a changed binary file, and reports a binary changed on both sides as a conflict', async () => {
    const png = (last: number) => Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\0\0\0', 'latin1'), Buffer.from([0, 1, 2, last])]);
    const dir = await generate(await templatesAt('1.0.0'));
    const result = await update(dir, await templatesAt('1.1.0', { 'svc/files/logo.png': png(7) }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  M logo.png');
    expect(await snapshot(dir).then((s) => s.get('logo.png'))).toBe(png(7).toString('base64'));

    await writeFile(join(dir, 'logo.png'), png(8));
    await commitAll(dir);
    const conflict = await update(dir, await templatesAt('1.2.0', { 'svc/files/logo.png': png(9) }));
    expect(conflict.code).toBe(3);
    expect(conflict.stdout).toContain('  C logo.png  (conflict)');
    expect(await snapshot(dir).then((s) => s.get('logo.png')), 'git keeps our side of a binary conflict').toBe(png(8).toString('base64'));
  });

  it('keeps the executable bit of scripts through an update', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const result = await update(dir, await templatesAt('1.1.0', { 'svc/files/scripts/run.sh': (t) => t.replace('set -eu', 'set -euo pipefail') }));
    expect(result.code, result.stderr).toBe(0);
    expect((await snapshot(dir)).get('scripts/run.sh')).toMatch(/^x /);
    expect(await read(dir, 'scripts/run.sh')).toContain('pipefail');
  });
});
