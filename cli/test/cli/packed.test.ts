/**
 * What users install: create-service packed by `npm pack` (as its prepack leaves it), installed
 * from the tarball into an empty folder outside the repository, then run through `npm exec` as
 * `npx create-service` runs it. Every file of
 * every template must be in the package, and every template × feature generated from the
 * installed package must give the same files, with the same modes, as a generation from this
 * checkout.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTree, listTemplates, resolveAnswers } from '../../src/engine/index.js';
import { tempDir } from '../support.js';
import { TEMPLATES_ROOT } from '../templates/harness.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../..', import.meta.url));

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

const templates = await listTemplates(TEMPLATES_ROOT);
/** Each template without features, then with each feature. */
const variants = templates.flatMap((template) => [
  { template, features: [] as string[] },
  ...template.manifest.features.map((feature) => ({ template, features: [feature.id] })),
]);

/** `npx --no <bin> …` in the install folder: the package's bin as a user's npx finds it, never a download. */
const npmExec = (argv: string[], cwd: string) =>
  run('npm', ['exec', '--no', '--', ...argv], { cwd, env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 26 });

/** Size budgets for the published package, with headroom over what it measures (see below). */
const BUDGET = { tarball: 800_000, unpacked: 2_600_000 };

interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}
let report: PackReport;
let tarball: string;
let packedFiles: string[];
let installed: string;

/** Folders that live for the whole file (tempDir's go after each test). */
const fileScoped: string[] = [];
afterAll(async () => {
  for (const dir of fileScoped) await rm(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'paved-pack-'));
  fileScoped.push(out);
  // What prepack makes of the package (its templates copied in, the build npm test's pretest
  // ran), staged outside the workspace: packing here would rebuild cli/dist under the feet of
  // the tests running beside this one.
  const stage = join(out, 'create-service');
  for (const part of ['package.json', 'bin', 'dist']) await cp(join(CLI, part), join(stage, part), { recursive: true });
  await cp(TEMPLATES_ROOT, join(stage, 'templates'), { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage, maxBuffer: 1 << 26 });
  const [pack] = JSON.parse(stdout) as PackReport[];
  report = pack!;
  tarball = join(out, pack!.filename);
  packedFiles = pack!.files.map((file) => file.path);
  // An empty folder outside the repository: no workspace, no hoisted node_modules to lean on.
  installed = await mkdtemp(join(tmpdir(), 'paved-installed-'));
  fileScoped.push(installed);
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball], { cwd: installed, maxBuffer: 1 << 26 });
}, 300_000);

describe('the packed create-service package', () => {
  it('carries every file of every template, layer and partial', async () => {
    const expected = (await filesBelow(TEMPLATES_ROOT)).map((file) => `templates/${file}`);
    const packedTemplates = packedFiles.filter((file) => file.startsWith('templates/')).sort();
    expect(expected.filter((file) => !packedTemplates.includes(file))).toEqual([]);
    expect(packedTemplates).toEqual(expected);
  });

  it('ships only what runs — the bundle, the precompiled templates and the templates — and installs no dependencies', async () => {
    const outside = packedFiles.filter((file) => !/^(bin\/|dist\/bundle\/|dist\/precompiled\/|dist\/paved-ref$|templates\/|package\.json$)/.test(file));
    expect(outside).toEqual([]);
    const installedPackages = (await readdir(join(installed, 'node_modules'), { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
    expect(installedPackages.map((e) => e.name)).toEqual(['create-service']);
    // Measured when the budgets were set: 208 files, tarball 607,813 bytes, unpacked 1,998,287.
    console.log(`create-service package: ${report.files.length} files, tarball ${report.size} bytes, unpacked ${report.unpackedSize} bytes`);
    expect(report.size).toBeLessThan(BUDGET.tarball);
    expect(report.unpackedSize).toBeLessThan(BUDGET.unpacked);
  });

  it('installed from the tarball, both commands answer --help through npm exec, as npx runs them', async () => {
    const created = await npmExec(['create-service', '--help'], installed);
    expect(created.stdout).toContain('create-service <name> --template <id>');
    const paved = await npmExec(['paved', '--help'], installed);
    expect(paved.stdout).toMatch(/^Usage: paved <command>/);
  });

  it('installed from the tarball, paved update --dry-run runs in a service it generated', async () => {
    const parent = await tempDir('paved-installed-update-');
    await npmExec(['create-service', 'orders', '--template', 'go', '--team', 'payments', '--yes', '--dir', parent], installed);
    const update = await npmExec(['paved', 'update', join(parent, 'orders'), '--dry-run'], installed);
    expect(update.stdout).toMatch(/up to date/i);
  });

  it.each(variants.map((v) => [`${v.template.manifest.id}${v.features.map((f) => ` --with ${f}`).join('')}`, v] as const))(
    'installed from the tarball, %s generates the same files and modes as this checkout',
    async (_label, { template, features }) => {
      const parent = await tempDir('paved-installed-gen-');
      const args = ['orders', '--template', template.manifest.id, '--team', 'payments', '--yes', '--no-git', '--dir', parent, ...features.flatMap((f) => ['--with', f])];
      await npmExec(['create-service', ...args], installed);
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
