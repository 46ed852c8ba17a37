/**
 * The packages users install: each published workspace packed by `npm pack` and installed
 * from the tarballs into an empty folder outside the repository, with no workspace or hoisted
 * node_modules to lean on.
 *
 * Tests talk to nothing but 127.0.0.1, so the install cannot ask a registry to resolve
 * version ranges. It runs `npm ci --offline` on a lock file made from this repository's own:
 * the tarballs, and exactly the packages the repository's install resolved for their runtime
 * dependencies (same versions and integrity, nested where they were nested), which npm takes
 * from its cache — the install a user gets on the day of this lock file.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, toolFailure } from '@paved/testkit';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The published packages and the workspace folder each is packed from. */
export const PUBLISHED = [
  { name: '@paved/naming', workspace: 'naming' },
  { name: '@paved/frame', workspace: 'frame' },
  { name: 'create-service', workspace: 'cli' },
  { name: '@paved/pipelines', workspace: 'pipelines' },
  { name: '@paved/platform', workspace: 'platform' },
] as const;
export type PublishedName = (typeof PUBLISHED)[number]['name'];

export interface PackedPackage {
  name: PublishedName;
  workspace: string;
  tarball: string;
  /** Bytes of the tarball and of its unpacked files, as `npm pack` reports them. */
  size: number;
  unpackedSize: number;
  files: string[];
  integrity: string;
  version: string;
}

interface PackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  integrity: string;
  version: string;
  files: { path: string }[];
}

/**
 * Packs the published packages into out, each staged as its prepack leaves it (create-service
 * with the templates copied in), from the build the suite's pretest made: running prepack in
 * cli/ would rebuild cli/dist under the feet of the tests running beside this one.
 */
export async function packPublished(out: string, names: readonly PublishedName[] = PUBLISHED.map((pkg) => pkg.name)): Promise<PackedPackage[]> {
  const packed: PackedPackage[] = [];
  for (const { name, workspace } of PUBLISHED.filter((pkg) => names.includes(pkg.name))) {
    const stage = join(out, `stage-${workspace}`);
    await cp(join(REPO, workspace), stage, { recursive: true, filter: (source) => !/[\\/](node_modules|src|test)$/.test(source) });
    if (name === 'create-service') await cp(join(REPO, 'templates'), join(stage, 'templates'), { recursive: true });
    const result = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage });
    if (result.code !== 0) throw toolFailure('npm pack', result, `packing ${name}`);
    const [report] = JSON.parse(result.stdout) as PackReport[];
    packed.push({
      name,
      workspace,
      tarball: join(out, report!.filename),
      size: report!.size,
      unpackedSize: report!.unpackedSize,
      files: report!.files.map((file) => file.path),
      integrity: report!.integrity,
      version: report!.version,
    });
  }
  return packed;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  /** a workspace package: `resolved` is its folder, whose entry holds its dependencies */
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

const repositoryLock = async (): Promise<Record<string, LockEntry>> =>
  (JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;

/** Where Node finds `name` from the lock path `from`: its own node_modules, then each parent's. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** The repository lock's paths of every package a workspace needs at run time, transitively. */
function runtimeClosure(packages: Record<string, LockEntry>, workspace: string): string[] {
  const found = new Set<string>();
  const queue = [workspace];
  while (queue.length > 0) {
    const at = queue.shift()!;
    const entry = packages[at]!;
    const edges: Array<[string, boolean]> = [
      ...Object.keys(entry.dependencies ?? {}).map((name): [string, boolean] => [name, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name): [string, boolean] => [name, true]),
      // npm installs a package's peers, but not the optional ones (@paved/frame's ajv and yaml)
      ...Object.keys(entry.peerDependencies ?? {})
        .filter((name) => entry.peerDependenciesMeta?.[name]?.optional !== true)
        .map((name): [string, boolean] => [name, false]),
    ];
    for (const [name, optional] of edges) {
      const path = resolveIn(packages, at, name);
      if (!path) {
        if (optional) continue;
        throw new Error(`package-lock.json has no ${name} for ${at}: run npm install at the repository root`);
      }
      if (!found.has(path)) {
        found.add(path);
        // another published workspace (e.g. @paved/naming): its dependencies are its folder's
        queue.push(packages[path]!.link ? packages[path]!.resolved! : path);
      }
    }
  }
  return [...found];
}

/** How many packages installing the package adds, itself included. */
export async function packageCount(pkg: PackedPackage): Promise<number> {
  return runtimeClosure(await repositoryLock(), pkg.workspace).length + 1;
}

/**
 * The lock file of an install of the tarballs: their entries, and every package of their
 * runtime closure at the place the repository's lock gives it (a workspace's nested
 * node_modules becomes the installed package's). Each entry names its tarball under the
 * registry npm is configured with (the repository's lock omits those addresses): given address
 * and integrity, npm reads the tarball from its cache, where without them it would first ask
 * the registry for the package's versions.
 */
async function installLock(packed: PackedPackage[], installDir: string): Promise<object> {
  const config = await run('npm', ['config', 'get', 'registry'], { cwd: installDir });
  if (config.code !== 0) throw toolFailure('npm config', config, 'reading the registry address');
  const registry = config.stdout.trim().replace(/\/?$/, '/');
  const repo = await repositoryLock();
  const tarball = (pkg: PackedPackage) => `file:${relative(installDir, pkg.tarball)}`;
  const packages: Record<string, LockEntry> = { '': { dependencies: Object.fromEntries(packed.map((pkg) => [pkg.name, tarball(pkg)])) } };
  for (const pkg of packed) {
    const { devDependencies: _dev, name: _name, ...runtime } = repo[pkg.workspace]!;
    packages[`node_modules/${pkg.name}`] = { ...runtime, version: pkg.version, resolved: tarball(pkg), integrity: pkg.integrity };
    for (const path of runtimeClosure(repo, pkg.workspace)) {
      if (repo[path]!.link) {
        // a workspace the package depends on is installed from its own tarball
        if (!packed.some((other) => other.workspace === repo[path]!.resolved))
          throw new Error(`${pkg.name} depends on the workspace ${repo[path]!.resolved}: pack and install it too`);
        continue;
      }
      if (!repo[path]!.version) continue; // a workspace folder reached through its link
      const place = path.startsWith(`${pkg.workspace}/`) ? `node_modules/${pkg.name}/${path.slice(pkg.workspace.length + 1)}` : path;
      const { dev: _devFlag, ...entry } = repo[path]!;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      packages[place] = { ...entry, resolved: `${registry}${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${entry.version}.tgz` };
    }
  }
  return { name: 'paved-install', lockfileVersion: 3, requires: true, packages };
}

/** Installs the tarballs into dir (created), as `npm ci` does, from npm's cache. */
export async function installPacked(dir: string, packed: PackedPackage[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const dependencies = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${relative(dir, pkg.tarball)}`]));
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'paved-install', private: true, dependencies }, null, 2)}\n`);
  await writeFile(join(dir, 'package-lock.json'), `${JSON.stringify(await installLock(packed, dir), null, 2)}\n`);
  const result = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  if (result.code !== 0) throw toolFailure('npm ci', result, `installing ${packed.map((pkg) => pkg.name).join(', ')} from their tarballs`);
  return dir;
}

/** `npx --no <bin> …` in the install folder: the package's bin as a user's npx finds it, never a download. */
export const npmExec = (argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  run('npm', ['exec', '--no', '--', ...argv], { cwd, env: { ...process.env, CI: 'true', ...env } });
