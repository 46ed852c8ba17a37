#!/usr/bin/env node
// Standalone entry for the release and promotion commands (`paved release`,
// `paved promote` reach the same run()).
// The version check comes before the import: older Node fails inside the dependencies with
// an error that does not say what to do.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`paved-pipelines: error: Node.js 20.19 or later is required (this is ${process.version})\n  install a current Node.js LTS and run it again\n`);
  process.exit(1);
}
const { run } = await import('../dist/cli.js');

process.exitCode = await run(process.argv.slice(2));
