#!/usr/bin/env node
// Times `create-service update` end to end (a fresh node process, as a user runs it) on a
// freshly generated TypeScript service with a few committed local edits, across one template
// version: the real templates copied twice, the second copy a patch version newer with a
// changed Dockerfile, README and .dockerignore. Generating and editing the service are not
// timed; each timed run gets its own service. Reports the median (target: under 500 ms).
//
//   node bench/update/run.mjs [--runs 15] [--no-build]
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name) => process.argv.indexOf(name);
const runs = arg('--runs') > 0 ? Number(process.argv[arg('--runs') + 1]) : 15;
if (arg('--no-build') < 0) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });

const bin = join(repo, 'cli/bin/create-service.js');
const scratch = mkdtempSync(join(tmpdir(), 'paved-bench-update-'));
try {
  // Two releases of the templates: as they are, and one patch version later with changes.
  const v1 = join(scratch, 'templates-v1');
  const v2 = join(scratch, 'templates-v2');
  cpSync(join(repo, 'templates'), v1, { recursive: true });
  cpSync(join(repo, 'templates'), v2, { recursive: true });
  const manifest = join(v2, 'typescript/template.yaml');
  const text = readFileSync(manifest, 'utf8');
  const version = /^version: (\d+)\.(\d+)\.(\d+)$/m.exec(text);
  if (!version) throw new Error(`no version in ${manifest}`);
  const next = `${version[1]}.${version[2]}.${Number(version[3]) + 1}`;
  writeFileSync(manifest, text.replace(/^version: .*$/m, `version: ${next}`));
  for (const [file, line] of [
    ['typescript/files/Dockerfile.hbs', '# template change: a newer base image would go here\n'],
    ['typescript/files/README.md.hbs', '\nA paragraph the new template version adds.\n'],
    ['typescript/files/.dockerignore', 'coverage\n'],
  ]) {
    if (!existsSync(join(v2, file))) throw new Error(`the bench expects ${file} in the typescript template`);
    appendFileSync(join(v2, file), line);
  }

  if (!spawnSync(process.execPath, [bin, 'update', '--help'], { encoding: 'utf8' }).stdout.includes('paved update [<dir>]')) {
    throw new Error('the built create-service has no update command: run npm run build first');
  }
  const runner = [bin, 'update'];

  // The commit generated workflows pin, fixed for the whole run so both renders agree.
  const pavedRef = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const times = [];
  const cpu = [];
  let files = 0;
  for (let i = 0; i < runs + 1; i++) {
    const parent = mkdtempSync(join(scratch, 'svc-'));
    execFileSync(process.execPath, [bin, 'bench-svc', '--template', 'typescript', '--team', 't', '--yes', '--dir', parent], {
      env: { ...process.env, CI: 'true', PAVED_TEMPLATES_DIR: v1, PAVED_WORKFLOWS_REF: pavedRef },
      stdio: 'ignore',
    });
    const dir = join(parent, 'bench-svc');
    files = git(dir, 'ls-files').toString().trim().split('\n').length;
    writeFileSync(join(dir, 'README.md'), `Our team notes.\n\n${readFileSync(join(dir, 'README.md'), 'utf8')}`);
    appendFileSync(join(dir, 'src/app.ts'), '\n// a local edit\n');
    writeFileSync(join(dir, 'src/local.ts'), 'export const local = true;\n');
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'local edits');

    // /usr/bin/time adds the CPU time of the update and its git children: a figure the other
    // work on a shared machine disturbs far less than the wall time.
    const cpuFile = join(scratch, 'cpu');
    const command = timeBin ? [timeBin, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...runner]] : [process.execPath, runner];
    const start = process.hrtime.bigint();
    const result = spawnSync(command[0], command[1], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', PAVED_TEMPLATES_DIR: v2, PAVED_WORKFLOWS_REF: pavedRef } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (timeBin && i > 0) cpu.push(readFileSync(cpuFile, 'utf8').trim().split(/\s+/).reduce((a, b) => a + Number(b) * 1000, 0));
    if (result.status !== 0) throw new Error(`update failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    if (!readFileSync(join(dir, 'README.md'), 'utf8').includes('Our team notes.')) throw new Error('the local edit was lost');
    if (parseYaml(readFileSync(join(dir, '.paved/answers.yaml'), 'utf8')).templateVersion !== next) throw new Error('the update did not record the new version');
    if (i > 0) times.push(ms); // the first round warms the file cache
    rmSync(parent, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpuMedian = [...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)];
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(`update of a ${files}-file typescript service, ${version[0].slice(9)} -> ${next}, 3 local edits (create-service update)`);
  console.log(`runs: ${runs} (after one warm-up); min ${sorted[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms (target < 500 ms)`);
  if (cpuMedian !== undefined) console.log(`CPU time (user + system, with git): median ${cpuMedian.toFixed(0)} ms; load average at the end: ${load}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
