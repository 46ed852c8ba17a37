import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PavedError } from '../errors.js';

const SHA = /^[0-9a-f]{40}$/;

/**
 * The commit of the Paved repository that generated workflows call (`uses: <org>/paved/...@<ref>`),
 * so a service runs exactly the reusable workflows that match the templates it came from:
 * `PAVED_WORKFLOWS_REF` when set (a platform team pinning its fork's release), else the commit
 * of the Paved checkout this command runs from, else the one recorded when the package was
 * built (`dist/paved-ref`). Resolved only when a template asks for it.
 */
export function resolvePavedRef(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.PAVED_WORKFLOWS_REF;
  if (given !== undefined) {
    if (!SHA.test(given)) {
      throw new PavedError(`PAVED_WORKFLOWS_REF must be a full 40-character commit SHA (got ${JSON.stringify(given)})`, {
        exitCode: 2,
        hint: 'workflows are pinned to commits, never to branches or tags: git rev-parse <tag>^{commit}',
      });
    }
    return given;
  }
  const packageDir = fileURLToPath(new URL('../..', import.meta.url));
  try {
    // Required here, not imported: most renders never ask for the ref.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (SHA.test(head)) return head;
  } catch {
    // Not a git checkout (an installed package): fall through to the recorded commit.
  }
  // tsc's output (dist/engine/) and the bundle (dist/bundle/) both sit one below dist/.
  const recordedFile = new URL('../paved-ref', import.meta.url);
  if (existsSync(recordedFile)) {
    const recorded = readFileSync(recordedFile, 'utf8').trim();
    if (SHA.test(recorded)) return recorded;
  }
  throw new PavedError('cannot tell which commit of Paved the generated workflows should call', {
    hint: 'set PAVED_WORKFLOWS_REF to the 40-character commit SHA of your organisation\'s copy of Paved',
  });
}
