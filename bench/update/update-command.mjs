#!/usr/bin/env node
// Stand-in for `create-service update` until the command is wired into the bin: the same
// runUpdateCommand, from the compiled output, with the process's real streams.
import { runUpdateCommand } from '../../cli/dist/update/command.js';

process.exitCode = await runUpdateCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
});
