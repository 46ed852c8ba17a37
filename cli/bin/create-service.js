#!/usr/bin/env node
// Node 22.1+ keeps compiled code between runs (a no-op on older Node): most of a scaffold's
// start-up is compiling this package's JavaScript. Taken without `import`, which would build
// an ES module facade of node:module first.
if (typeof process.getBuiltinModule !== 'function') {
  process.stderr.write(`create-service: error: Node.js 20.19 or later is required (this is ${process.version})\n  install a current Node.js LTS and run it again\n`);
  process.exit(1);
}
process.getBuiltinModule('node:module').enableCompileCache?.();
const { main, processIo } = await import('../dist/bundle/main.js');

process.exitCode = await main(process.argv.slice(2), processIo());
