import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionlint, toolsDir, testTempDir } from '../src/index.js';

describe('toolsDir', () => {
  const saved = process.env.PAVED_TOOLS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.PAVED_TOOLS_DIR;
    else process.env.PAVED_TOOLS_DIR = saved;
  });

  it('resolves an installed cache', () => {
    expect(toolsDir()).toBe(saved ?? join(process.env.HOME ?? '', '.cache', 'paved', 'tools'));
  });

  it('tells how to install the tools when the cache is empty', async () => {
    process.env.PAVED_TOOLS_DIR = testTempDir('paved-empty-tools-');
    expect(() => toolsDir()).toThrow(/missing or incomplete: run `node scripts\/install-tools.mjs`/);
    await expect(actionlint(['ci.yml'])).rejects.toThrow(/install-tools\.mjs/);
  });
});
