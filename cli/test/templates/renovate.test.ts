// The Renovate configuration every generated service gets (templates/_layers/common) covers what
// the service pins, and leaves alone what the promotion workflow owns.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateService, TEMPLATES_ROOT } from './harness.js';

/** The files of a freshly generated service of `template`, as paths relative to it. */
async function generatedFiles(template: string): Promise<string[]> {
  const dir = await generateService({ template, name: 'orders', team: 'payments' });
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

interface RenovateConfig {
  'pip-compile': { managerFilePatterns: string[] };
  packageRules: Array<{ matchManagers?: string[]; matchFileNames?: string[]; enabled?: boolean }>;
}

const config = async (): Promise<RenovateConfig> => JSON.parse(await readFile(join(TEMPLATES_ROOT, '_layers/common/files/renovate.json'), 'utf8')) as RenovateConfig;
/** A Renovate "/regex/" pattern as a RegExp. */
const regex = (pattern: string): RegExp => new RegExp(pattern.replace(/^\/|\/$/g, ''));

describe("a generated service's Renovate configuration", () => {
  it("updates the Python services' hash-locked requirements through the pip-compile manager", async () => {
    const { 'pip-compile': pipCompile } = await config();
    const files = (await generatedFiles('python')).filter((path) => path.endsWith('.lock'));
    expect(files.sort()).toEqual(['requirements-build.lock', 'requirements-dev.lock', 'requirements.lock']);
    for (const file of files) expect(pipCompile.managerFilePatterns.some((pattern) => regex(pattern).test(file)), file).toBe(true);
  });

  it("never updates the overlays' image, which the promotion workflow sets through its reviewers", async () => {
    const { packageRules } = await config();
    const rule = packageRules.find((r) => r.matchManagers?.includes('kustomize') && r.enabled === false);
    expect(rule?.matchFileNames).toEqual(['deploy/overlays/**']);
    const overlays = (await generatedFiles('go')).filter((path) => /^deploy\/overlays\/[^/]+\/kustomization\.yaml$/.test(path));
    expect(overlays.length).toBeGreaterThanOrEqual(3);
  });
});
