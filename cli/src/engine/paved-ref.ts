import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PavedError } from '@paved/frame';

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
  const fromCheckout = readGitHead(packageDir);
  if (fromCheckout !== undefined) return fromCheckout;
  // tsc's output (dist/engine/) and the bundle (dist/bundle/) both sit one below dist/.
  const recordedFile = new URL('../paved-ref', import.meta.url);
  if (existsSync(recordedFile)) {
    const recorded = readFileSync(recordedFile, 'utf8').trim();
    if (SHA.test(recorded)) return recorded;
  }
  try {
    // A checkout readGitHead could not read (an unusual ref storage): ask git. Required here,
    // not imported: most renders never get this far.
    const { execFileSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (SHA.test(head)) return head;
  } catch {
    // Not a git checkout either.
  }
  throw new PavedError('cannot tell which commit of Paved the generated workflows should call', {
    hint: "set PAVED_WORKFLOWS_REF to the 40-character commit SHA of your organisation's copy of Paved",
  });
}

/**
 * HEAD's commit read straight from the repository files (HEAD, the ref file or packed-refs,
 * worktrees included): the common cases without starting git, which costs more than the
 * whole render. Anything unusual returns undefined and the caller asks git itself.
 */
export function readGitHead(start: string): string | undefined {
  try {
    let dir = resolve(start);
    let dotGit = join(dir, '.git');
    while (!existsSync(dotGit)) {
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
      dotGit = join(dir, '.git');
    }
    let gitDir = dotGit;
    if (statSync(dotGit).isFile()) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (pointer === undefined) return undefined;
      gitDir = resolve(dir, pointer);
    }
    const commonFile = join(gitDir, 'commondir');
    const commonDir = existsSync(commonFile) ? resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (SHA.test(head)) return head;
    const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
    if (ref === undefined) return undefined;
    for (const base of [gitDir, commonDir]) {
      const file = join(base, ref);
      if (existsSync(file)) {
        const sha = readFileSync(file, 'utf8').trim();
        return SHA.test(sha) ? sha : undefined;
      }
    }
    const packed = join(commonDir, 'packed-refs');
    if (!existsSync(packed)) return undefined;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
    }
    return undefined;
  } catch {
    return undefined;
  }
}
