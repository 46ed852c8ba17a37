import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateTree, listTemplates, loadTemplate, resolveAnswers, sortedEntries } from '../../src/engine/index.js';
// The built engine: it finds dist/precompiled next to itself (the sources' copy has none).
import { precompiledSpec, precompiledYaml } from '../../dist/engine/compile.js';
import { tempDir } from '../support.js';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/create-service.js', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../../templates', import.meta.url));
const ids = (await listTemplates(TEMPLATES)).map((t) => t.manifest.id);

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(full).isDirectory() ? filesBelow(full) : [full];
  });
}

// The built package renders the shipped templates from precompiled specs (the build step);
// the engine's tests render them from source. Both must write the same bytes.
describe('the built create-service', () => {
  it('ships a precompiled spec for every template file and a parsed copy of every manifest', () => {
    const files = filesBelow(TEMPLATES);
    const sources = files.filter((f) => f.endsWith('.hbs'));
    expect(sources.length).toBeGreaterThan(40);
    for (const file of sources) {
      const origin = relative(TEMPLATES, file);
      expect(precompiledSpec(readFileSync(file, 'utf8'), origin), `${origin}: run npm run build`).toBeDefined();
    }
    const manifests = files.filter((f) => /\/(template|layer)\.yaml$/.test(f));
    expect(manifests.length).toBe(ids.length + 3);
    for (const file of manifests) expect(precompiledYaml(readFileSync(file, 'utf8')), file).toBeTypeOf('object');
  });

  it('misses, rather than returns a stale spec, when a text changed after the build', () => {
    const text = readFileSync(join(TEMPLATES, 'typescript/files/README.md.hbs'), 'utf8');
    expect(precompiledSpec(text, 'typescript/files/README.md.hbs')).toBeDefined();
    expect(precompiledSpec(`${text} `, 'typescript/files/README.md.hbs')).toBeUndefined();
    // Looked up in the bucket of the folder it came from, not in every template's.
    expect(precompiledSpec(text, 'go/files/README.md.hbs')).toBeUndefined();
  });

  it.each(ids)('writes exactly what the engine renders from source for %s', async (id) => {
    const env = { ...process.env, PAVED_TEMPLATES_DIR: TEMPLATES, PAVED_WORKFLOWS_REF: 'b'.repeat(40), CI: 'true' };
    const parent = await tempDir();
    await exec(process.execPath, [BIN, 'orders', '--template', id, '--team', 'checkout', '--yes', '--no-git', '--dir', parent, '--set', 'port=8123'], { env });
    const template = await loadTemplate(id, TEMPLATES);
    const tree = await generateTree(template, resolveAnswers(template, { name: 'orders', team: 'checkout', values: { port: '8123' } }), env);
    for (const [path, file] of sortedEntries(tree)) {
      expect((await readFile(join(parent, 'orders', path))).equals(file.contents), path).toBe(true);
    }
  });
});
