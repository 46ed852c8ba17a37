/**
 * Template versions move when templates move: a change to a template, a layer it uses or a
 * partial, without a version bump, fails here (scripts/template-versions.mjs --check against
 * templates/versions.json), so `paved update` always has a version to offer for it.
 */
import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { TEMPLATES_ROOT } from './harness.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/template-versions.mjs', import.meta.url));

async function versions(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, [SCRIPT, ...args]);
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? '' };
  }
}

/** The templates the kubernetes layer is used by: all of them. */
const IDS = ['go', 'java', 'python', 'typescript'];
const versionOf = async (templates: string, id: string): Promise<string> =>
  /^version: (.*)$/m.exec(await readFile(join(templates, id, 'template.yaml'), 'utf8'))?.[1] ?? '';

async function edit(path: string, change: (text: string) => string): Promise<void> {
  await writeFile(path, change(await readFile(path, 'utf8')));
}

describe('template versions', () => {
  it('every template in this checkout is recorded at its version with its current files', async () => {
    expect(await versions('--check')).toEqual({ code: 0, stderr: '' });
  });

  it('a change to a shared layer without a version bump fails for every template that uses it, and cannot be recorded', async () => {
    const copy = join(await tempDir('paved-template-versions-'), 'templates');
    await cp(TEMPLATES_ROOT, copy, { recursive: true });
    await edit(join(copy, '_layers', 'kubernetes', 'files', 'deploy', 'base', 'service.yaml.hbs'), (text) => `${text}# a change\n`);

    const check = await versions('--check', '--templates', copy);
    expect(check.code).toBe(1);
    for (const id of IDS)
      expect(check.stderr).toContain(
        `templates/${id} changed since version ${await versionOf(copy, id)} was recorded: bump version in templates/${id}/template.yaml`,
      );
    // Recording without the bump is refused too: a fingerprint never moves under the same version.
    expect((await versions('--templates', copy)).code).toBe(1);

    const bumped = new Map<string, string>();
    for (const id of IDS) bumped.set(id, semver.inc(await versionOf(copy, id), 'patch') ?? '');
    for (const id of IDS) await edit(join(copy, id, 'template.yaml'), (text) => text.replace(/^version: .*$/m, `version: ${bumped.get(id)}`));
    expect((await versions('--templates', copy)).code).toBe(0);
    expect(await versions('--check', '--templates', copy)).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(await readFile(join(copy, 'versions.json'), 'utf8')).go.version).toBe(bumped.get('go'));
  });

  it('a change to one template only asks for that template', async () => {
    const copy = join(await tempDir('paved-template-versions-'), 'templates');
    await cp(TEMPLATES_ROOT, copy, { recursive: true });
    await edit(join(copy, 'python', 'template.yaml'), (text) => text.replace(/^description: /m, 'description: Changed. '));
    const check = await versions('--check', '--templates', copy);
    expect(check.code).toBe(1);
    expect(check.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`templates/python changed since version ${await versionOf(copy, 'python')} was recorded`),
    ]);
  });
});
