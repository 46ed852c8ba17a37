/**
 * Every real template, across one version bump: an update of an unedited service gives
 * exactly the files a fresh generation at the new version gives.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// Generated workflows pin a Paved commit; fix it so a commit landing mid-test changes nothing.
process.env.PAVED_WORKFLOWS_REF ??= 'a'.repeat(40);
import { listTemplates } from '../../src/engine/index.js';
import { git, runCli, snapshot, tempDir, update } from './helpers.js';

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
