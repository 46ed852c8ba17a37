// The JSON Schemas create-service checks its YAML files with: compiled at build time into the
// module the engine loads, shipped for editors, named by every template and layer file, and
// accepted by a plain draft-07 validator as an editor would read them.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { cp, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { answersSchema, layerSchema, manifestSchema } from '../../src/engine/schemas.js';
import { FIXTURE_TEMPLATES, runCli, tempDir } from '../support.js';

const CLI = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../../templates', import.meta.url));

/** Every template.yaml and layer.yaml of the shipped templates. */
async function manifestFiles(): Promise<string[]> {
  const entries = await readdir(TEMPLATES, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && (entry.name === 'template.yaml' || entry.name === 'layer.yaml'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe("create-service's schemas", () => {
  it('the compiled validators and the shipped schema files are those of src/engine/schemas.ts (npm run build refreshes them)', async () => {
    const check = await promisify(execFile)(process.execPath, ['scripts/compile-schemas.mjs', '--check'], { cwd: CLI }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(JSON.parse(await readFile(join(TEMPLATES, '_schemas/template.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifestSchema)));
    expect(JSON.parse(await readFile(join(TEMPLATES, '_schemas/layer.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(layerSchema)));
    expect(JSON.parse(await readFile(join(CLI, 'dist/answers.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(answersSchema)));
  });

  it('every template and layer file names its schema for editors, and a plain draft-07 validator accepts it', async () => {
    const ajv = new Ajv({ strict: false });
    const validators = {
      'template.yaml': ajv.compile(JSON.parse(await readFile(join(TEMPLATES, '_schemas/template.schema.json'), 'utf8')) as object),
      'layer.yaml': ajv.compile(JSON.parse(await readFile(join(TEMPLATES, '_schemas/layer.schema.json'), 'utf8')) as object),
    };
    const files = await manifestFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
      expect(modeline, file).not.toBeNull();
      const kind = file.endsWith('template.yaml') ? 'template.yaml' : 'layer.yaml';
      expect(resolve(file, '..', modeline![1]!)).toBe(join(TEMPLATES, '_schemas', kind === 'template.yaml' ? 'template.schema.json' : 'layer.schema.json'));
      const validate = validators[kind];
      expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('a template from elsewhere (not checked at build time) is checked when read, each problem at its line and column', async () => {
    const templates = await tempDir();
    await cp(FIXTURE_TEMPLATES, templates, { recursive: true });
    const manifest = join(templates, 'sample/template.yaml');
    await writeFile(
      manifest,
      (await readFile(manifest, 'utf8')).replace('version: 2.1.0', 'version: two').replace('language: text', 'language: text\ncolour: blue'),
    );
    const result = await runCli(['--list-templates'], { cwd: await tempDir(), templates });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`2 problems in the template manifest ${manifest}:`);
    expect(result.stderr).toContain(`${manifest}:2:10: version "two" is not allowed: use a semantic version like 1.2.3`);
    expect(result.stderr).toMatch(
      new RegExp(`${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1: unknown field "colour" in \\(document\\); allowed fields: id, version`),
    );
    expect(result.stderr).toContain('see templates/README.md for the manifest format');
  });
});
