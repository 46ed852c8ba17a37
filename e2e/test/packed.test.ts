/**
 * What users install: every published package packed by `npm pack` and installed from its
 * tarball into an empty folder outside the repository (support/packages.ts), then run through
 * `npm exec` as `npx` runs it — never from this checkout. create-service alone, as
 * `npx create-service` gets it: every file of every template in the package, and every
 * template × feature generated from it equal (files and modes) to a generation from this
 * checkout. All three together, as the README's install line gives them: every command of
 * `paved --help` works (platform check, render and stacks, release and promote dry runs,
 * update), and each package holds only what runs, within its size budget.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, testTempDir, toolPath } from '@paved/testkit';
import { generateTree, listTemplates, resolveAnswers } from '../../cli/src/engine/index.js';
import { featureCombinations } from '../../cli/test/templates/feature-matrix.js';
import { installPacked, npmExec, packageCount, packPublished, type PackedPackage, type PublishedName } from './support/packages.js';
import { EXAMPLES } from './support/platform.js';

const TEMPLATES_ROOT = new URL('../../templates', import.meta.url).pathname;

/** Every regular file below dir, as sorted POSIX paths relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** path → octal mode of every file below dir. */
async function modesBelow(dir: string): Promise<Map<string, string>> {
  const files = await filesBelow(dir);
  return new Map(await Promise.all(files.map(async (file) => [file, ((await stat(join(dir, file))).mode & 0o777).toString(8)] as const)));
}

/** The packages an install holds, as npm records them in node_modules/.package-lock.json. */
async function installedPackages(dir: string): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  return Object.keys(lock.packages)
    .map((path) => path.replace(/^node_modules\//, ''))
    .sort();
}

/** Bytes of every file below dir. */
async function sizeBelow(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

const templates = await listTemplates(TEMPLATES_ROOT);
/** Each template with each valid combination of its features. */
const variants = templates.flatMap((template) => featureCombinations(template.manifest).map((features) => ({ template, features })));

/**
 * Budgets per package, with headroom over what they measured (in the comment beside each):
 * the tarball and unpacked bytes `npm pack` reports, and the packages an install of the
 * package alone adds (itself included).
 */
const BUDGET: Record<PublishedName, { tarball: number; unpacked: number; packages: number }> = {
  // 3 files, 1,664 / 5,198 bytes, 1 package
  '@paved/naming': { tarball: 5_000, unpacked: 15_000, packages: 1 },
  // 19 files, 9,129 / 30,314 bytes, 1 package (ajv and yaml are optional peers: the schema and
  // YAML entry points are for the packages that read files, which depend on them)
  '@paved/frame': { tarball: 14_000, unpacked: 45_000, packages: 1 },
  // 331 files, 1,062,005 / 3,587,758 bytes, 1 package: the four templates with their
  // postgres and events features (migrations, relays, consumers, their tests, lock files),
  // each template shipped as source and precompiled (206 files, 608,218 / 1,997,945 without)
  'create-service': { tarball: 1_300_000, unpacked: 4_300_000, packages: 1 },
  // 25 files, 27,826 / 84,867 bytes, 4 packages (semver, yaml and zx, which has no dependencies)
  '@paved/pipelines': { tarball: 40_000, unpacked: 120_000, packages: 6 },
  // 55 files, 46,914 / 157,757 bytes, 269 packages (Pulumi's SDK brings nearly all of them)
  '@paved/platform': { tarball: 60_000, unpacked: 200_000, packages: 320 },
};

let packed: PackedPackage[];
/** create-service installed alone, as `npx create-service` installs it. */
let createServiceOnly: string;
/** All published packages installed together, as the README's install line does. */
let everything: string;

const fileScoped: string[] = [];
afterAll(async () => {
  for (const dir of fileScoped) await rm(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'paved-pack-'));
  fileScoped.push(out);
  packed = await packPublished(out);
  createServiceOnly = await installPacked(
    join(out, 'create-service-only'),
    packed.filter((pkg) => pkg.name === 'create-service'),
  );
  // everything the README's install line installs: the three with bins, and the naming contract
  // and command frame they depend on
  everything = await installPacked(join(out, 'everything'), packed);
}, 600_000);

const packageNamed = (name: PublishedName): PackedPackage => packed.find((pkg) => pkg.name === name)!;

describe('the packed packages', () => {
  it('create-service carries every file of every template, layer and partial', async () => {
    const expected = (await filesBelow(TEMPLATES_ROOT)).map((file) => `templates/${file}`);
    const packedTemplates = packageNamed('create-service')
      .files.filter((file) => file.startsWith('templates/'))
      .sort();
    expect(expected.filter((file) => !packedTemplates.includes(file))).toEqual([]);
    expect(packedTemplates).toEqual(expected);
  });

  it('each ships only what runs: no sources, source maps, tests or bench code', () => {
    const shipped: Record<PublishedName, RegExp> = {
      '@paved/naming': /^(dist\/index\.(js|d\.ts)$|package\.json$)/,
      '@paved/frame': /^(dist\/[\w-]+\.(js|d\.ts)$|package\.json$)/,
      'create-service': /^(bin\/|dist\/bundle\/|dist\/precompiled\/|dist\/paved-ref$|dist\/(paved-config|answers)\.schema\.json$|templates\/|package\.json$)/,
      '@paved/pipelines': /^(bin\/|dist\/[\w-]+\.(js|d\.ts)$|README\.md$|package\.json$)/,
      '@paved/platform':
        /^(bin\/|dist\/([\w-]+\/)?[\w-]+\.(js|d\.ts)$|policy\/|examples\/|schemas\/[\w-]+\.schema\.json$|Pulumi\.yaml$|README\.md$|package\.json$)/,
    };
    for (const pkg of packed)
      expect(
        pkg.files.filter((file) => !shipped[pkg.name].test(file)),
        pkg.name,
      ).toEqual([]);
    // (the templates hold the generated services' own tests, which are not ours)
    for (const pkg of packed)
      expect(
        pkg.files.filter((file) => !file.startsWith('templates/') && /mock|synthetic|\.map$|\.test\./.test(file)),
        pkg.name,
      ).toEqual([]);
  });

  it('each stays within its size and package-count budget', async () => {
    for (const pkg of packed) {
      const packages = await packageCount(pkg);
      console.log(`${pkg.name}: ${pkg.files.length} files, tarball ${pkg.size} bytes, unpacked ${pkg.unpackedSize} bytes, ${packages} installed packages`);
      expect(pkg.size, pkg.name).toBeLessThan(BUDGET[pkg.name].tarball);
      expect(pkg.unpackedSize, pkg.name).toBeLessThan(BUDGET[pkg.name].unpacked);
      expect(packages, pkg.name).toBeLessThanOrEqual(BUDGET[pkg.name].packages);
    }
    // npx create-service installs nothing but itself
    expect(await installedPackages(createServiceOnly)).toEqual(['create-service']);
    console.log(
      `all installed: ${(await installedPackages(everything)).length} packages, ${await sizeBelow(join(everything, 'node_modules'))} bytes in node_modules`,
    );
  });

  it('installed, every bin answers --help through npm exec, as npx runs them', async () => {
    expect((await npmExec(['create-service', '--help'], createServiceOnly)).stdout).toContain('create-service <name> --template <id>');
    expect((await npmExec(['paved', '--help'], everything)).stdout).toMatch(/^Usage: paved <command>/);
    expect((await npmExec(['paved-platform', '--help'], everything)).stdout).toMatch(/^ {2}check {5}validate the config/m);
    expect((await npmExec(['paved-pipelines', '--help'], everything)).stdout).toContain('paved release');
  });

  it('installed, every bin refuses a Node.js older than the engines range its package declares, saying what to install', async () => {
    const tooOld = toolPath('too-old-node', 'node'); // 20.18.3, just below 20.19
    const bins: Array<[PublishedName, string]> = [
      ['create-service', 'create-service'],
      ['create-service', 'paved'],
      ['@paved/pipelines', 'paved-pipelines'],
      ['@paved/platform', 'paved-platform'],
    ];
    for (const [name, bin] of bins) {
      const manifest = JSON.parse(await readFile(join(everything, 'node_modules', name, 'package.json'), 'utf8')) as {
        engines: { node: string };
        bin: Record<string, string>;
      };
      expect(manifest.engines.node, name).toBe('>=20.19');
      const result = await run(tooOld, [join(everything, 'node_modules', name, manifest.bin[bin]!), '--help'], { cwd: everything });
      expect(result.code, `${bin}: ${result.stdout}${result.stderr}`).toBe(1);
      expect(result.stderr).toBe(`${bin}: error: Node.js 20.19 or later is required (this is v20.18.3)\n  install a current Node.js LTS and run it again\n`);
    }
  });

  it('installed alone, paved says which package a pipeline or platform command needs, and how to get it', async () => {
    const result = await npmExec(['paved', 'platform', 'check', '--config', '.'], createServiceOnly);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('@paved/platform');
    expect(result.stderr).toContain('npm install --save-dev @paved/platform');
  });

  it('installed, paved platform check, render and stacks run on the example config', async () => {
    const config = join(testTempDir('paved-installed-platform-'), 'platform');
    await cp(EXAMPLES, config, { recursive: true });
    const check = await npmExec(['paved', 'platform', 'check', '--config', config], everything);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/guardrails/i);
    const out = join(config, '..', 'rendered');
    const render = await npmExec(['paved', 'platform', 'render', '--config', config, '--out', out], everything);
    expect(render.code, render.stderr).toBe(0);
    expect((await filesBelow(out)).some((file) => file.endsWith('.yaml'))).toBe(true);
    const stacks = await npmExec(['paved', 'platform', 'stacks', '--config', config, '--json'], everything);
    expect(stacks.code, stacks.stderr).toBe(0);
    expect((JSON.parse(stacks.stdout) as unknown[]).length).toBeGreaterThan(0);
    // the Pulumi project the platform workflow runs ships with its program and policy pack
    const platformDir = join(everything, 'node_modules', '@paved', 'platform');
    const project = await readFile(join(platformDir, 'Pulumi.yaml'), 'utf8');
    const main = /^main: (.+)$/m.exec(project)![1]!;
    await stat(join(platformDir, main, '..', 'main.js'));
    await stat(join(platformDir, 'policy', 'PulumiPolicy.yaml'));
  });

  it('installed, paved release --dry-run and paved promote --dry-run run in a service repository', async () => {
    const parent = testTempDir('paved-installed-pipelines-');
    const created = await npmExec(['create-service', 'orders', '--template', 'go', '--team', 'payments', '--yes', '--dir', parent], everything);
    expect(created.code, created.stderr).toBe(0);
    const service = join(parent, 'orders');
    const git = (...args: string[]) => run('git', ['-c', 'user.name=Paved Test', '-c', 'user.email=test@example.com', ...args], { cwd: service });
    await writeFile(join(service, 'NOTES.md'), 'notes\n');
    await git('add', 'NOTES.md');
    await git('commit', '-q', '-m', 'feat: notes for the team');
    const release = await npmExec(['paved', 'release', '--dry-run', '--json', '--cwd', service], everything);
    expect(release.code, release.stderr).toBe(0);
    expect(JSON.parse(release.stdout)).toMatchObject({ version: '0.1.0', dryRun: true });
    // the image the generated overlays deploy (create-service's default registry and organisation)
    const image = `ghcr.io/acme/orders:0.1.0@sha256:${'a'.repeat(64)}`;
    const promote = await npmExec(['paved', 'promote', '--env', 'staging', '--image', image, '--dry-run', '--json', '--cwd', service], everything);
    expect(promote.code, promote.stderr).toBe(0);
    expect(JSON.parse(promote.stdout)).toMatchObject({ changed: true, dryRun: true });
  });

  it('installed alone, paved update --dry-run runs in a service it generated', async () => {
    const parent = testTempDir('paved-installed-update-');
    await npmExec(['create-service', 'orders', '--template', 'go', '--team', 'payments', '--yes', '--dir', parent], createServiceOnly);
    const update = await npmExec(['paved', 'update', join(parent, 'orders'), '--dry-run'], createServiceOnly);
    expect(update.stdout).toMatch(/up to date/i);
  });

  it.each(variants.map((v) => [`${v.template.manifest.id}${v.features.map((f) => ` --with ${f}`).join('')}`, v] as const))(
    'installed alone, %s generates the same files and modes as this checkout',
    async (_label, { template, features }) => {
      const parent = testTempDir('paved-installed-gen-');
      await mkdir(parent, { recursive: true });
      const args = [
        'orders',
        '--template',
        template.manifest.id,
        '--team',
        'payments',
        '--yes',
        '--no-git',
        '--dir',
        parent,
        ...features.flatMap((f) => ['--with', f]),
      ];
      await npmExec(['create-service', ...args], createServiceOnly);
      const fromPackage = await modesBelow(join(parent, 'orders'));

      const tree = await generateTree(template, resolveAnswers(template, { name: 'orders', team: 'payments', features }));
      const fromCheckout = new Map([...tree].map(([path, file]) => [path, (file.mode & 0o777).toString(8)] as const));
      expect([...fromPackage.keys()]).toEqual([...fromCheckout.keys()].sort());
      expect(new Map([...fromPackage].sort())).toEqual(new Map([...fromCheckout].sort()));
      // The dotfiles npm drops from packages are there, under their real names.
      expect([...fromPackage.keys()]).toContain('.gitignore');
    },
    60_000,
  );
});
