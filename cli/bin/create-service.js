#!/usr/bin/env node
import { main } from '../dist/bundle/main.js';

// Ctrl-C aborts the write; the engine removes its temporary folder before we exit.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  signal: controller.signal,
});
