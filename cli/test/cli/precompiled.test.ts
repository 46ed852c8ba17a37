import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateTree, listTemplates, loadTemplate, resolveAnswers, sortedEntries } from '../../src/engine/index.js';
import { tempDir } from '../support.js';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/create-service.js', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../../templates', import.meta.url));
const PRECOMPILED = fileURLToPath(new URL('../../dist/precompiled/index.json', import.meta.url));
const ids = (await listTemplates(TEMPLATES)).map((t) => t.manifest.id);

// The built package renders the shipped templates from precompiled specs (the build step);
// the engine's tests render them from source. Both must write the same bytes.
describe('the built create-service', () => {
  it('ships precompiled templates', () => {
    expect(existsSync(PRECOMPILED), 'run npm run build first').toBe(true);
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
