#!/usr/bin/env node
// The quick start's main job on built-in defaults: scaffold a TypeScript service with
// create-service, then run its own install, lint, typecheck, tests and build on the Node LTS
// line its image uses, exactly as a developer would after `npx create-service`.
//
//   node scripts/demo.mjs [<parent folder>]     (npm run demo; default: a new temporary folder)
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const repo = fileURLToPath(new URL('..', import.meta.url));
const parent = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'paved-demo-'));
const at = $({ cwd: repo, stdio: 'inherit' });

await at`npm run build --silent`;
await at`node scripts/install-tools.mjs`;
await at`node cli/bin/create-service.js demo-orders --template typescript --team demo --description ${'Demo service scaffolded by the Paved quick start'} --yes --dir ${parent}`;

// The service runs on its own Node LTS: its bin folder first on PATH, and none of the npm_*
// settings `npm run` exports (npm_config_prefix among them), which would make the inner npm
// pick the toolkit's Node.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
env.PATH = `${join(process.env.PAVED_TOOLS_DIR || join(homedir(), '.cache', 'paved', 'tools'), 'service-node')}:${env.PATH}`;
const service = $({ cwd: join(parent, 'demo-orders'), env, stdio: 'inherit' });

console.log(`== the generated service, on Node ${(await $({ env, quiet: true })`node --version`).stdout.trim()}`);
await service`npm ci --no-audit --no-fund`;
await service`npm run lint`;
await service`npm run typecheck`;
await service`npm test`;
await service`npm run build`;
console.log(`\nDemo service generated and verified in ${join(parent, 'demo-orders')}`);
