/**
 * Every real template, across one version bump: an update of an unedited service gives
 * exactly the files a fresh generation at the new version gives. And `update --with events`
 * adds the events feature to an edited postgres service through the three-way merge.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// Generated workflows pin a Paved commit; fix it so a commit landing mid-test changes nothing.
process.env.PAVED_WORKFLOWS_REF ??= 'a'.repeat(40);
import { listTemplates } from '../../src/engine/index.js';
import { commitAll, git, gitDirState, read, runCli, snapshot, tempDir, update } from './helpers.js';

const TEMPLATES = fileURLToPath(new URL('../../../templates', import.meta.url));
const ids = (await listTemplates(TEMPLATES)).map((t) => t.manifest.id);

describe.each(ids)('paved update on the %s template', (id) => {
  it('without local edits equals a fresh generation at the new version', async () => {
    const v1 = await tempDir(`paved-${id}-v1-`);
    await cp(TEMPLATES, v1, { recursive: true });
    const v2 = await tempDir(`paved-${id}-v2-`);
    await cp(TEMPLATES, v2, { recursive: true });
    const manifest = join(v2, id, 'template.yaml');
    const text = await readFile(manifest, 'utf8');
    const to = semver.inc(/^version: (.*)$/m.exec(text)?.[1] ?? '', 'patch') ?? '';
    await writeFile(manifest, text.replace(/^version: .*$/m, `version: ${to}`));
    const readme = join(v2, id, 'files/README.md.hbs');
    await writeFile(readme, `${await readFile(readme, 'utf8')}\nA line the new version adds.\n`);

    const args = (parent: string, git: boolean) => ['orders', '--template', id, '--team', 'checkout', '--yes', '--dir', parent, ...(git ? [] : ['--no-git'])];
    const parent = await tempDir();
    expect((await runCli(args(parent, true), { cwd: parent, templates: v1 })).code).toBe(0);
    const dir = join(parent, 'orders');
    const result = await update(dir, v2);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('  M README.md');

    const fresh = await tempDir();
    expect((await runCli(args(fresh, false), { cwd: fresh, templates: v2 })).code).toBe(0);
    expect(await snapshot(dir)).toEqual(await snapshot(join(fresh, 'orders')));
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  });
});

const withEvents = (await listTemplates(TEMPLATES)).filter((t) => t.manifest.features.some((f) => f.id === 'events')).map((t) => t.manifest.id);

describe.each(withEvents)('paved update --with events on the %s template', (id) => {
  const args = (parent: string, features: string[], git: boolean) => [
    'orders',
    '--template',
    id,
    '--team',
    'checkout',
    '--yes',
    '--dir',
    parent,
    ...features.flatMap((f) => ['--with', f]),
    ...(git ? [] : ['--no-git']),
  ];

  it('adds the feature to an edited postgres service, keeping the edits: the rest is a fresh generation with both features', async () => {
    const parent = await tempDir();
    expect((await runCli(args(parent, ['postgres'], true), { cwd: parent, templates: TEMPLATES })).code).toBe(0);
    const dir = join(parent, 'orders');
    const note = 'Team note: orders is on call in business hours.\n\n';
    await writeFile(join(dir, 'README.md'), `${note}${await read(dir, 'README.md')}`);
    await writeFile(join(dir, 'NOTES.md'), 'Our own notes.\n');
    await commitAll(dir, 'team edits');

    const result = await update(dir, TEMPLATES, ['--with', 'events']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('feature events added');
    expect(await git(dir, 'status', '--porcelain')).toBe('');

    const fresh = await tempDir();
    expect((await runCli(args(fresh, ['postgres', 'events'], false), { cwd: fresh, templates: TEMPLATES })).code).toBe(0);
    const expected = await snapshot(join(fresh, 'orders'));
    const merged = await snapshot(dir);
    expect(await read(dir, 'README.md')).toBe(`${note}${await read(join(fresh, 'orders'), 'README.md')}`);
    expect(await read(dir, 'NOTES.md')).toBe('Our own notes.\n');
    for (const path of ['README.md', 'NOTES.md']) {
      expected.delete(path);
      merged.delete(path);
    }
    expect(merged).toEqual(expected);
  });

  it('refuses events without postgres and changes nothing', async () => {
    const parent = await tempDir();
    expect((await runCli(args(parent, [], true), { cwd: parent, templates: TEMPLATES })).code).toBe(0);
    const dir = join(parent, 'orders');
    const before = await snapshot(dir);
    const gitBefore = await gitDirState(dir);
    const result = await update(dir, TEMPLATES, ['--with', 'events']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('feature events needs postgres; turn it on too (--with postgres,events)');
    expect(await snapshot(dir)).toEqual(before);
    expect(await gitDirState(dir)).toEqual(gitBefore);
  });
});

it('finds a template with the events feature (a listing bug must not make the tests above test nothing)', () => {
  expect(withEvents.length).toBeGreaterThan(0);
});
