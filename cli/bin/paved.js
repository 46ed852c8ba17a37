#!/usr/bin/env node
import { paved } from '../dist/bundle/paved.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

process.exitCode = await paved(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  signal: controller.signal,
});
