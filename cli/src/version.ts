import { existsSync, readFileSync } from 'node:fs';

/**
 * The create-service package version, recorded in answers files and shown by --version. The
 * package.json is one folder up from tsc's output and two from the bundle's.
 */
function readVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    const file = new URL(up, import.meta.url);
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'create-service' && pkg.version) return pkg.version;
  }
  return '0.0.0-unknown';
}

export const PAVED_VERSION: string = readVersion();
