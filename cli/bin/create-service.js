#!/usr/bin/env node
// Node 22.1+ keeps compiled code between runs (a no-op on older Node): most of a scaffold's
// start-up is compiling this package's JavaScript.
import module from 'node:module';

module.enableCompileCache?.();
const { main, processIo } = await import('../dist/bundle/main.js');

process.exitCode = await main(process.argv.slice(2), processIo());
