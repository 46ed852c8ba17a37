#!/usr/bin/env node
// The engines range, checked before anything is loaded: older Node fails later with an error
// that does not say what to do (the bundle also needs process.getBuiltinModule, from 20.16).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`create-service: error: Node.js 20.19 or later is required (this is ${process.version})\n  install a current Node.js LTS and run it again\n`);
  process.exit(1);
}
// Node 22.1+ keeps compiled code between runs (a no-op on older Node): most of a scaffold's
// start-up is compiling this package's JavaScript. Taken without `import`, which would build
// an ES module facade of node:module first.
process.getBuiltinModule('node:module').enableCompileCache?.();
const { main, processIo } = await import('../dist/bundle/main.js');

process.exitCode = await main(process.argv.slice(2), processIo());
