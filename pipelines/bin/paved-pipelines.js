#!/usr/bin/env node
// Standalone entry for the release and promotion commands (`paved release`,
// `paved promote` reach the same run()).
import { run } from '../dist/cli.js';

process.exitCode = await run(process.argv.slice(2));
