import { readFileSync } from 'node:fs';

/** The create-service package version, recorded in answers files and shown by --version. */
export const PAVED_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
