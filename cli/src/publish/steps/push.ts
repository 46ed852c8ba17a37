import { PavedError } from '@paved/frame';
import { addRemote, assertSafeTransport, localBranchHead, pushBranch, remoteUrl } from '../git-remote.js';
import type { Inspection, Step } from '../types.js';
import { ifExists } from './http.js';
import { PUBLISHED_BRANCH } from './repository.js';

const REMOTE = 'origin';

/**
 * Pushes main with git itself (so hooks, LFS and large histories behave as users expect)
 * and points the local `origin` at the repository. That remote is the only change publish
 * ever makes to the service directory.
 */
export const pushStep: Step = {
  id: 'push',
  title: 'first push',
  action: `push ${PUBLISHED_BRANCH}`,
  needs: ['repository'],
  async inspect(ctx): Promise<Inspection> {
    const local = await localBranchHead(ctx.service.dir, PUBLISHED_BRANCH, ctx.env);
    const short = local.slice(0, 12);
    if (ctx.repository === undefined)
      return { kind: 'change', changes: [`push ${PUBLISHED_BRANCH} (${short}) to the new repository`, `set git remote ${REMOTE}`] };
    const { cloneUrl } = ctx.repository;
    assertSafeTransport(cloneUrl, 'the git remote');
    const origin = await remoteUrl(ctx.service.dir, REMOTE, ctx.env);
    if (origin !== undefined && origin !== cloneUrl) {
      throw new PavedError(`the service's git remote ${REMOTE} already points to ${origin}, not to ${cloneUrl}`, {
        hint: `remove or rename it (git remote rename ${REMOTE} old-origin) and re-run; publish does not overwrite remotes`,
      });
    }
    const branch = await ifExists(() => ctx.octokit.rest.repos.getBranch({ owner: ctx.owner, repo: ctx.repo, branch: PUBLISHED_BRANCH }));
    const remote = branch?.data.commit.sha;
    const changes: string[] = [];
    if (origin === undefined) changes.push(`set git remote ${REMOTE} → ${cloneUrl}`);
    if (remote !== local) changes.push(`push ${PUBLISHED_BRANCH} ${remote === undefined ? '' : `${remote.slice(0, 12)} `}→ ${short}`);
    if (changes.length === 0) return { kind: 'in-sync', detail: `${PUBLISHED_BRANCH} is at ${short}` };
    return {
      kind: 'change',
      changes,
      apply: async () => {
        if ((await remoteUrl(ctx.service.dir, REMOTE, ctx.env)) === undefined) await addRemote(ctx.service.dir, REMOTE, cloneUrl, ctx.env);
        if (remote !== local) await pushBranch(ctx.service.dir, REMOTE, cloneUrl, PUBLISHED_BRANCH, ctx.token, ctx.env);
      },
    };
  },
};
