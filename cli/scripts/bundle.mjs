#!/usr/bin/env node
// Build step: bundles the two commands (src/main.ts, src/paved.ts) into dist/bundle/ as ES
// modules that share chunks, so a plain scaffold loads neither Octokit nor the prompts.
// The banner gives the bundled CommonJS packages the `require` they expect.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const cli = fileURLToPath(new URL('..', import.meta.url));
const out = 'dist/bundle';
const BANNER = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";

rmSync(`${cli}/${out}`, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: cli,
  entryPoints: ['src/main.ts', 'src/paved.ts'],
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  logLevel: 'warning',
  banner: { js: BANNER },
});
