#!/usr/bin/env node
// Direct entry for the platform commands (the main CLI exposes them as `paved platform`).
import { run } from '../dist/cli.js';

process.exitCode = await run(process.argv.slice(2));
