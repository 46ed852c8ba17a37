#!/usr/bin/env node
// Compares the wall time of scaffolding a TypeScript service with create-service against
// create-vite scaffolding its react-ts template, in the same run, alternating the two so
// machine noise hits both alike. Reports medians and the ratio (target: at most 1.3x), twice:
// from this checkout (node <bin>), and as users run them — `npx` of each installed from its
// package (create-service packed as published; create-vite as npm installed it), both warm —
// with each install's size and package count.
//
//   node bench/create-service/run.mjs [--runs 21] [--node <path to another node binary>]
//
// --node runs both tools under another Node.js (e.g. the current LTS, which has a compile
// cache both could use; create-service turns it on, create-vite does not).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 21;
const nodeFlag = process.argv.indexOf('--node');
const node = nodeFlag > 0 ? process.argv[nodeFlag + 1] : process.execPath;

execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });

const contenders = {
  'create-service': (dir) => [join(repo, 'cli/bin/create-service.js'), 'bench-svc', '--template', 'typescript', '--team', 't', '--yes', '--no-git', '--dir', dir],
  'create-vite': (_dir) => [join(repo, 'node_modules/create-vite/index.js'), 'bench-app', '--template', 'react-ts', '--no-interactive', '--no-immediate'],
};

/** Medians of each contender's wall time, alternating them, after one warm-up round. */
function race(contenders, command) {
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, args] of Object.entries(contenders)) {
      const dir = mkdtempSync(join(tmpdir(), 'paved-bench-'));
      const start = process.hrtime.bigint();
      const result = spawnSync(command, args(dir), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      rmSync(dir, { recursive: true, force: true });
      if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
      if (i > 0) times[name].push(ms); // the first round warms the file cache
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [median(times['create-service']), median(times['create-vite'])];
}

const [ours, theirs] = race(contenders, node);
console.log(`node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}; runs per tool: ${runs} (alternating, after one warm-up round)`);
console.log(`create-service --template typescript: median ${ours.toFixed(1)} ms`);
console.log(`create-vite --template react-ts:      median ${theirs.toFixed(1)} ms`);
console.log(`ratio create-service / create-vite:   ${(ours / theirs).toFixed(2)}x (target <= 1.30x)`);

// As users get them: each packed, installed from its tarball into its own empty folder, run by
// `npx --no` (npm exec, which finds the installed bin and never downloads).
const scratch = mkdtempSync(join(tmpdir(), 'paved-bench-installed-'));
try {
  const stage = join(scratch, 'stage');
  for (const part of ['package.json', 'bin', 'dist']) cpSync(join(repo, 'cli', part), join(stage, part), { recursive: true });
  cpSync(join(repo, 'templates'), join(stage, 'templates'), { recursive: true });
  const pack = (dir) => join(scratch, JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: dir, encoding: 'utf8' }))[0].filename);
  const installs = { 'create-service': join(scratch, 'installed-create-service'), 'create-vite': join(scratch, 'installed-create-vite') };
  execFileSync('npm', ['install', '--prefix', installs['create-service'], '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', pack(stage)], { stdio: 'inherit' });
  // create-vite as npm installed it from its published tarball (the repository's dev
  // dependency), copied with its bin link: packing that copy again would lose its templates
  // (npm 11 does not expand create-vite's "template-*" files entry), and the bench stays offline.
  mkdirSync(join(installs['create-vite'], 'node_modules', '.bin'), { recursive: true });
  cpSync(join(repo, 'node_modules', 'create-vite'), join(installs['create-vite'], 'node_modules', 'create-vite'), { recursive: true });
  symlinkSync('../create-vite/index.js', join(installs['create-vite'], 'node_modules', '.bin', 'create-vite'));
  const npx = {
    'create-service': (dir) => ['exec', '--prefix', installs['create-service'], '--no', '--', 'create-service', 'bench-svc', '--template', 'typescript', '--team', 't', '--yes', '--no-git', '--dir', dir],
    'create-vite': (_dir) => ['exec', '--prefix', installs['create-vite'], '--no', '--', 'create-vite', 'bench-app', '--template', 'react-ts', '--no-interactive', '--no-immediate'],
  };
  const [oursInstalled, theirsInstalled] = race(npx, 'npm');
  /** Packages and bytes below an install's node_modules. */
  const footprint = (dir) => {
    const entries = readdirSync(join(dir, 'node_modules'), { recursive: true, withFileTypes: true });
    const packages = entries.filter((e) => e.isFile() && e.name === 'package.json' && /node_modules(\/@[^/]+)?\/[^/]+$/.test(e.parentPath)).length;
    const bytes = entries.filter((e) => e.isFile()).reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
    return `${packages} package${packages === 1 ? '' : 's'}, ${(bytes / 1e6).toFixed(2)} MB`;
  };
  console.log(`\ninstalled from the packages, through npx (npm exec --no), runs per tool: ${runs}`);
  console.log(`npx create-service (${footprint(installs['create-service'])}): median ${oursInstalled.toFixed(1)} ms`);
  console.log(`npx create-vite    (${footprint(installs['create-vite'])}): median ${theirsInstalled.toFixed(1)} ms`);
  console.log(`ratio:                                 ${(oursInstalled / theirsInstalled).toFixed(2)}x (target <= 1.30x)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
