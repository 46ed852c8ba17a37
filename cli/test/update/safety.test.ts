import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, editFile, existsSync, generate, git, gitDirState, read, snapshot, templatesAt, update, writeFile } from './helpers.js';

const v110 = { 'svc/files/config.yaml.hbs': (t: string) => t.replace('level: info', 'level: warn'), 'svc/files/src/new.ts': 'export const added = true;\n' };

describe('paved update never loses work', () => {
  it.each([
    ['a modified tracked file', async (dir: string) => editFile(dir, 'README.md', (t) => `${t}\nmine\n`), ' M README.md'],
    [
      'a staged change',
      async (dir: string) => {
        await editFile(dir, 'README.md', (t) => `${t}\nmine\n`);
        await git(dir, 'add', 'README.md');
      },
      'M  README.md',
    ],
    ['an untracked file', async (dir: string) => writeFile(join(dir, 'notes.txt'), 'draft\n'), '?? notes.txt'],
  ])('refuses a dirty tree (%s) and writes nothing', async (_, dirty, line) => {
    const dir = await generate(await templatesAt('1.0.0'));
    await dirty(dir);
    const files = await snapshot(dir);
    const state = await gitDirState(dir);
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not clean; update refuses to run so no uncommitted change can be lost');
    expect(result.stderr).toContain(line);
    expect(result.stderr).toContain('commit your changes (or git stash -u), then run update again');
    expect(await snapshot(dir)).toEqual(files);
    expect(await gitDirState(dir)).toEqual(state);
  });

  it('refuses while a merge is in progress', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('level: info', 'level: debug'));
    await commitAll(dir);
    expect((await update(dir, await templatesAt('1.1.0', v110))).code).toBe(3);
    await git(dir, 'add', 'config.yaml');
    const again = await update(dir, await templatesAt('1.1.0', v110));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/a merge is in progress/);
  });

  it('refuses to overwrite an ignored file the update would add', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await writeFile(join(dir, '.gitignore'), 'src/new.ts\n');
    await commitAll(dir);
    await writeFile(join(dir, 'src/new.ts'), 'my ignored work\n');
    const result = await update(dir, await templatesAt('1.1.0', v110));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('would overwrite them: src/new.ts');
    expect(await read(dir, 'src/new.ts')).toBe('my ignored work\n');
  });

  it('--dry-run lists changes and conflicts and writes nothing, not even git objects or refs', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('level: info', 'level: debug'));
    await commitAll(dir);
    const files = await snapshot(dir);
    const state = await gitDirState(dir);
    const result = await update(dir, await templatesAt('1.1.0', v110), ['--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: updating . to svc template 1.0.0 → 1.1.0 would leave conflicts.');
    expect(result.stdout).toContain('  M config.yaml  (conflict)');
    expect(result.stdout).toContain('  A src/new.ts');
    expect(result.stdout).toContain('Nothing was written.');
    expect(await snapshot(dir)).toEqual(files);
    expect(await gitDirState(dir)).toEqual(state);
    expect(existsSync(join(dir, 'src/new.ts'))).toBe(false);

    const json = JSON.parse((await update(dir, await templatesAt('1.1.0', v110), ['--dry-run', '--json'])).stdout);
    expect(json).toMatchObject({ status: 'would-conflict', dryRun: true, files: { conflicted: ['config.yaml'], added: ['src/new.ts'] } });
  });
});
