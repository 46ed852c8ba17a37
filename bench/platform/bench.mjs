#!/usr/bin/env node
// Platform bench: render and Pulumi-mock construction for 1, 100 and 1,000
// teams (10 services, 3 environments each). Every measurement runs in a fresh
// Node process so time and peak memory belong to that measurement alone.
//
//   npm run build -w @paved/platform && npm run bench -w @paved/platform
//   (options: --teams 1,100,1000  --full  to also build 1,000 teams of one environment in ONE stack)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../platform/dist/', import.meta.url));
const TESTKIT = fileURLToPath(new URL('../../testkit/dist/', import.meta.url));
const SERVICES = 10;
/** Stack boundary under test: each stack holds at most about this many teams. */
const TEAMS_PER_STACK = 50;
const shardsFor = (teams) => Math.max(1, Math.ceil(teams / TEAMS_PER_STACK));

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
// The machine is shared: CPU time (user + system) is what this code costs;
// wall time also counts waiting for other processes.
const cpuMs = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const mb = (bytes) => Math.round(bytes / 1024 / 1024);

async function child(mode, teams, shards, stackArg) {
  const lib = await import(path.join(DIST, 'index.js'));
  const { syntheticConfig } = await import(path.join(TESTKIT, 'platform/index.js'));
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let c = process.cpuUsage();
  const files = syntheticConfig({ teams, servicesPerTeam: SERVICES, shards });
  const parsed = lib.parseConfig(files);
  if (!parsed.ok) throw new Error(parsed.issues.map(lib.formatIssue).join('\n'));
  const tParse = ms(t0);
  const cParse = cpuMs(c);
  c = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  const state = lib.buildModel(parsed.config);
  const objects = lib.allObjects(state);
  const tModel = ms(t1);
  const cModel = cpuMs(c);

  if (mode === 'render') {
    c = process.cpuUsage();
    const t2 = process.hrtime.bigint();
    const violations = lib.checkGuardrails(objects);
    if (violations.length) throw new Error(`guardrails failed: ${violations.length}`);
    const tGuard = ms(t2);
    const cGuard = cpuMs(c);
    c = process.cpuUsage();
    const t3 = process.hrtime.bigint();
    const rendered = lib.renderFiles(state);
    const tYaml = ms(t3);
    const cYaml = cpuMs(c);
    const out = mkdtempSync(path.join(tmpdir(), 'paved-bench-'));
    c = process.cpuUsage();
    const t4 = process.hrtime.bigint();
    await lib.writeRender(rendered, path.join(out, 'rendered'));
    const tWrite = ms(t4);
    const cWrite = cpuMs(c);
    const cTotal = cpuMs(c0);
    rmSync(out, { recursive: true, force: true });
    return { objects: objects.length, files: rendered.size, parseMs: tParse, modelMs: tModel, guardrailsMs: tGuard, yamlMs: tYaml, writeMs: tWrite, totalMs: ms(t0), cpu: { parse: cParse, model: cModel, guardrails: cGuard, yaml: cYaml, write: cWrite, total: cTotal } };
  }

  // mode === 'pulumi': construct one stack under mocks.
  const byStack = lib.stacks(state);
  const stack = stackArg === 'largest' ? [...byStack.entries()].sort((a, b) => b[1].length - a[1].length)[0][0] : stackArg;
  const { recordWithMocks } = await import(path.join(TESTKIT, 'platform/index.js'));
  const { provision } = await import(path.join(DIST, 'pulumi/program.js'));
  const t5 = process.hrtime.bigint();
  const c5 = process.cpuUsage();
  const { registrations } = await recordWithMocks('paved-platform', stack, () => provision(parsed.config, stack).resources);
  return { stack, stacks: byStack.size, teamsInStack: byStack.get(stack).length, resources: registrations.length, constructMs: ms(t5), constructCpuMs: cpuMs(c5) };
}

function measure(mode, teams, shards, stack = 'largest') {
  const out = execFileSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', mode, String(teams), String(shards), stack], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, mode, teams, shards, stack] = args;
  const result = await child(mode, Number(teams), Number(shards), stack);
  const usage = process.resourceUsage();
  console.log(JSON.stringify({ ...result, peakRssMb: Math.round(usage.maxRSS / 1024), heapUsedMb: mb(process.memoryUsage().heapUsed) }));
} else {
  const teamCounts = (args.includes('--teams') ? args[args.indexOf('--teams') + 1] : '1,100,1000').split(',').map(Number);
  const fmt = (n) => (n >= 100 ? Math.round(n) : n.toFixed(1));
  console.log(`Node ${process.version}, ${SERVICES} services and 3 environments per team; each row is a fresh process; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores.\n`);
  console.log('## Render: CPU ms per phase (wall ms in the total column)\n');
  console.log('| teams | objects | files | parse+validate | model | guardrails | YAML | write | total CPU ms | total wall ms | peak RSS MB | CPU µs/object |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const teams of teamCounts) {
    const r = measure('render', teams, shardsFor(teams));
    const c = r.cpu;
    console.log(`| ${teams} | ${r.objects} | ${r.files} | ${fmt(c.parse)} | ${fmt(c.model)} | ${fmt(c.guardrails)} | ${fmt(c.yaml)} | ${fmt(c.write)} | ${fmt(c.total)} | ${fmt(r.totalMs)} | ${r.peakRssMb} | ${(c.total * 1000 / r.objects).toFixed(1)} |`);
  }
  console.log(`\n## Pulumi mocks: largest stack (stacks = environments x ceil(teams / ${TEAMS_PER_STACK}) shards)\n`);
  console.log('| teams | stacks | teams in largest stack | resources | construct CPU ms | wall ms | peak RSS MB | CPU ms/resource |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const teams of teamCounts) {
    const r = measure('pulumi', teams, shardsFor(teams));
    console.log(`| ${teams} | ${r.stacks} | ${r.teamsInStack} | ${r.resources} | ${fmt(r.constructCpuMs)} | ${fmt(r.constructMs)} | ${r.peakRssMb} | ${(r.constructCpuMs / r.resources).toFixed(2)} |`);
  }
  console.log('\n## Pulumi mocks: one stack per environment (no sharding), for comparison\n');
  console.log('| teams | resources in the dev stack | construct CPU ms | wall ms | peak RSS MB | CPU ms/resource |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const teams of teamCounts.filter((t) => t <= 100 || args.includes('--full'))) {
    const r = measure('pulumi', teams, 1, 'dev');
    console.log(`| ${teams} | ${r.resources} | ${fmt(r.constructCpuMs)} | ${fmt(r.constructMs)} | ${r.peakRssMb} | ${(r.constructCpuMs / r.resources).toFixed(2)} |`);
  }
}
