#!/usr/bin/env node
import { paved, processIo } from '../dist/bundle/paved.js';

process.exitCode = await paved(process.argv.slice(2), processIo());
