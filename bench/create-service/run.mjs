#!/usr/bin/env node
// Compares the wall time of scaffolding a TypeScript service with create-service against
// create-vite scaffolding its react-ts template, in the same run, alternating the two so
// machine noise hits both alike. Reports medians and the ratio (target: at most 1.3x).
//
//   node bench/create-service/run.mjs [--runs 21] [--node <path to another node binary>]
//
// --node runs both tools under another Node.js (e.g. the current LTS, which has a compile
// cache both could use; create-service turns it on, create-vite does not).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
  'create-vite': (dir) => [join(repo, 'node_modules/create-vite/index.js'), 'bench-app', '--template', 'react-ts', '--no-interactive', '--no-immediate'],
};

const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let i = 0; i < runs + 1; i++) {
  for (const [name, args] of Object.entries(contenders)) {
    const dir = mkdtempSync(join(tmpdir(), 'paved-bench-'));
    const start = process.hrtime.bigint();
    const result = spawnSync(node, args(dir), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    rmSync(dir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    if (i > 0) times[name].push(ms); // the first round warms the file cache
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = median(times['create-service']);
const theirs = median(times['create-vite']);
console.log(`node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}; runs per tool: ${runs} (alternating, after one warm-up round)`);
console.log(`create-service --template typescript: median ${ours.toFixed(1)} ms`);
console.log(`create-vite --template react-ts:      median ${theirs.toFixed(1)} ms`);
console.log(`ratio create-service / create-vite:   ${(ours / theirs).toFixed(2)}x (target <= 1.30x)`);
