import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PavedError, UsageError } from '@paved/frame';

const SHA = /^[0-9a-f]{40}$/;

/**
 * The commit of the Paved repository that generated workflows call (`uses: <org>/paved/...@<ref>`),
 * so a service runs exactly the reusable workflows that match the templates it came from:
 * `PAVED_WORKFLOWS_REF` when set (a platform team pinning its fork's release), else the commit
 * of the Paved checkout this command runs from (this package is its cli/ folder), else the one
 * recorded when the package was built (`dist/paved-ref`).
 */
export async function resolvePavedRef(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env.PAVED_WORKFLOWS_REF;
  if (given !== undefined) {
    if (!SHA.test(given)) {
      throw new UsageError(
        `PAVED_WORKFLOWS_REF must be a full 40-character commit SHA (got ${JSON.stringify(given)})`,
        'workflows are pinned to commits, never to branches or tags: git rev-parse <tag>^{commit}',
      );
    }
    return given;
  }
  const fromCheckout = await (checkoutHead ??= readCheckoutHead());
  if (fromCheckout !== undefined) return fromCheckout;
  // tsc's output (dist/engine/) and the bundle (dist/bundle/) both sit one below dist/.
  const recordedFile = new URL('../paved-ref', import.meta.url);
  if (existsSync(recordedFile)) {
    const recorded = readFileSync(recordedFile, 'utf8').trim();
    if (SHA.test(recorded)) return recorded;
  }
  throw new PavedError('cannot tell which commit of Paved the generated workflows should call', {
    hint: "set PAVED_WORKFLOWS_REF to the 40-character commit SHA of your organisation's copy of Paved",
  });
}

/** Asked of git once per process: a command renders every file with the same ref. */
let checkoutHead: Promise<string | undefined> | undefined;

/**
 * HEAD of the Paved checkout this package sits in, or undefined when it is not one (an
 * installed package: git is neither loaded nor started for it, and a repository it was
 * installed into is not taken for Paved's).
 */
async function readCheckoutHead(): Promise<string | undefined> {
  const packageDir = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(packageDir, '..', '.git'))) return undefined;
  const { gitResult } = await import('../git.js');
  const result = await gitResult(packageDir, ['rev-parse', 'HEAD']).catch(() => undefined);
  const head = result?.ok === true ? result.stdout.trim() : undefined;
  return head !== undefined && SHA.test(head) ? head : undefined;
}
