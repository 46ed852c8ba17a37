#!/usr/bin/env node
// Platform bench on the real engine: `pulumi preview` and `pulumi up` of one stack (the fullest
// dev stack) on a real kube-apiserver, for configs of 100 and 1,000 teams (10 services, 3
// environments) at several stack sizes, against `paved platform render` and `check` of the same
// config in the same run; and the time a pull request waits for a one-team change. The platform
// workflow runs `paved platform check` in one job and, beside it, `paved platform stacks
// --changed-from <base>` followed by `pulumi preview` of each stack it lists, so the wait is the
// longer of check and stacks + preview of the one stack a one-team change touches.
// Each row gets a fresh control plane and Pulumi state. Wall time and the peak RSS of the
// largest process of each command (GNU time's %M: the CLI, node or the provider) are reported.
//
//   npm run build && node scripts/install-tools.mjs
//   node bench/platform/engine.mjs [--teams 100,1000] [--teams-per-stack 10,25,50]

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const testkit = await import(path.join(REPO, 'testkit/dist/index.js'));
const { syntheticConfig } = await import(path.join(REPO, 'testkit/dist/platform/index.js'));
const SERVICES = 10;

const args = process.argv.slice(2);
const list = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback).split(',').map(Number);
const teamCounts = list('--teams', '100,1000');
const stackSizes = list('--teams-per-stack', '10,25,50');

/** Runs a command under GNU time: wall seconds and the largest process's peak RSS in MB. */
function timed(command, commandArgs, options) {
  const report = path.join(options.scratch, 'time.txt');
  try {
    execFileSync('/usr/bin/time', ['-f', '%e %M', '-o', report, command, ...commandArgs], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${String(error.stdout).slice(-3000)}\n${String(error.stderr).slice(-3000)}`);
  }
  const [wall, kb] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, mb: Math.round(kb / 1024) };
}

async function installArgoCd(client) {
  for (const file of ['application-crd.yaml', 'appproject-crd.yaml']) {
    const crd = parse(readFileSync(path.join(testkit.toolPath('argo-cd-crds'), file), 'utf8'));
    const reply = await client.apply(crd, { fieldManager: 'argocd-install', force: true });
    if (!reply.ok) throw new Error(reply.message);
  }
  await testkit.waitUntil('Argo CD CRDs', async () => (await client.list('argoproj.io/v1alpha1', 'AppProject', { namespace: 'default' }).then(() => true, () => false)), 60_000);
  client.forgetDiscovery();
  for (const name of ['argocd', 'ingress-nginx']) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'argocd-install', force: true });
}

async function row(teams, perStack) {
  const shards = Math.max(1, Math.ceil(teams / perStack));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'paved-bench-engine-'));
  const plane = await testkit.startControlPlane();
  try {
    const config = path.join(scratch, 'config');
    for (const file of syntheticConfig({ teams, servicesPerTeam: SERVICES, shards })) {
      mkdirSync(path.dirname(path.join(config, file.path)), { recursive: true });
      writeFileSync(path.join(config, file.path), file.text);
    }
    await installArgoCd(new testkit.KubeClient(plane.connection));
    const kubeconfig = path.join(scratch, 'kubeconfig');
    await testkit.writeKubeconfig(kubeconfig, ['dev', 'staging', 'prod'].map((env) => ({ name: `${env}-cluster`, connection: plane.connection })));
    const project = path.join(scratch, 'project');
    mkdirSync(project);
    for (const entry of ['Pulumi.yaml', 'package.json', 'dist', 'policy']) cpSync(path.join(REPO, 'platform', entry), path.join(project, entry), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(project, 'node_modules'));
    mkdirSync(path.join(scratch, 'state'));
    const env = testkit.pulumiEnv({ home: scratch, backend: path.join(scratch, 'state'), kubeconfig });
    const paved = (sub) => timed(process.execPath, [path.join(REPO, 'cli/bin/paved.js'), 'platform', ...sub], { cwd: scratch, env, scratch });
    const render = paved(['render', '--config', config, '--out', path.join(scratch, 'rendered')]);
    const check = paved(['check', '--config', config]);
    const slots = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'cli/bin/paved.js'), 'platform', 'stacks', '--config', config, '--json'], { encoding: 'utf8' }));
    const fullest = slots.filter((slot) => slot.environment === 'dev').sort((a, b) => b.teams.length - a.teams.length)[0];
    const pulumi = (sub) => timed('pulumi', [...sub, '--stack', fullest.stack, '--non-interactive'], { cwd: project, env, scratch });
    execFileSync('pulumi', ['stack', 'select', '--create', '--non-interactive', fullest.stack], { cwd: project, env, stdio: 'ignore' });
    execFileSync('pulumi', ['config', 'set', '--stack', fullest.stack, 'paved-platform:configDir', config], { cwd: project, env, stdio: 'ignore' });
    const preview = pulumi(['preview', '--policy-pack', 'policy']);
    const up = pulumi(['up', '--yes', '--policy-pack', 'policy']);
    // A one-team change: the first team of the stack asks for another dev quota. The pull
    // request's check job runs check and picks the stacks to preview; the preview follows.
    const base = path.join(scratch, 'base');
    cpSync(config, base, { recursive: true });
    const team = path.join(config, 'teams', `${fullest.teams[0]}.yaml`);
    writeFileSync(team, readFileSync(team, 'utf8').replace('requests.cpu: "8"', 'requests.cpu: "6"'));
    const changeCheck = paved(['check', '--config', config]);
    const changeStacks = paved(['stacks', '--config', config, '--github-matrix', '--changed-from', base]);
    const touched = JSON.parse(execFileSync(process.execPath, [path.join(REPO, 'cli/bin/paved.js'), 'platform', 'stacks', '--config', config, '--json', '--changed-from', base], { encoding: 'utf8' })).map((slot) => slot.stack);
    if (touched.join() !== fullest.stack) throw new Error(`the change should touch ${fullest.stack} only, stacks --changed-from says ${touched.join(', ')}`);
    const changePreview = pulumi(['preview', '--policy-pack', 'policy']);
    const resources = JSON.parse(execFileSync('pulumi', ['stack', 'export', '--stack', fullest.stack], { cwd: project, env, encoding: 'utf8', maxBuffer: 1 << 28 })).deployment.resources.length;
    return { teams, perStack, shards, stackTeams: fullest.teams.length, resources, render, check, preview, up, changeCheck, changeStacks, changePreview };
  } finally {
    await plane.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const s = (m) => `${m.wall.toFixed(1)} s / ${m.mb} MB`;
console.log(`Node ${process.version}, pulumi ${execFileSync('pulumi', ['version'], { env: { ...process.env, PATH: `${testkit.toolPath('bin')}:${process.env.PATH}` }, encoding: 'utf8' }).trim()}, ${os.cpus().length} cores, load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; wall / peak RSS of the largest process.\n`);
console.log('| teams | teams per stack (shards) | teams in the stack | resources | render (all) | check (all) | preview (empty) | up | one-team change: max(check, stacks --github-matrix --changed-from + preview) = PR wait |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const teams of teamCounts)
  for (const perStack of stackSizes) {
    const r = await row(teams, perStack);
    const wait = Math.max(r.changeCheck.wall, r.changeStacks.wall + r.changePreview.wall);
    console.log(`| ${r.teams} | ${r.perStack} (${r.shards}) | ${r.stackTeams} | ${r.resources} | ${s(r.render)} | ${s(r.check)} | ${s(r.preview)} | ${s(r.up)} | max(${r.changeCheck.wall.toFixed(1)}, ${r.changeStacks.wall.toFixed(1)} + ${r.changePreview.wall.toFixed(1)}) = **${wait.toFixed(1)} s** (preview ${r.changePreview.mb} MB) |`);
  }
