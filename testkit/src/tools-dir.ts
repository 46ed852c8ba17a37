import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const INSTALL_HINT = 'run `node scripts/install-tools.mjs` from the repository root (npm test does it in pretest)';

/** The per-user tool cache that scripts/install-tools.mjs fills (PAVED_TOOLS_DIR overrides it). */
export function toolsDir(): string {
  const dir = process.env.PAVED_TOOLS_DIR || join(homedir(), '.cache', 'paved', 'tools');
  if (!existsSync(join(dir, 'bin'))) {
    throw new Error(`The Paved tool cache ${dir} is missing or incomplete: ${INSTALL_HINT}.`);
  }
  return dir;
}

/** Absolute path of a file inside the tool cache; throws with the install hint when absent. */
export function toolPath(...parts: string[]): string {
  const path = join(toolsDir(), ...parts);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing from the Paved tool cache: ${INSTALL_HINT}.`);
  }
  return path;
}
