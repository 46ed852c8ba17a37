import { PavedError } from '@paved/frame';
import { localBranchHead, rootCommit } from '../git-remote.js';
import type { Inspection, PublishContext, RepositoryFacts, Step } from '../types.js';
import { fieldChanges, ifExists, statusOf } from './http.js';

/** Branch the service is published from (create-service commits on main). */
export const PUBLISHED_BRANCH = 'main';

/**
 * Merge settings that match the ruleset: linear history allows squash and rebase merges
 * only, and merged branches are cleaned up.
 */
const MERGE_SETTINGS = { allow_merge_commit: false, allow_squash_merge: true, allow_rebase_merge: true, delete_branch_on_merge: true };

interface RepoData {
  id: number;
  html_url: string;
  clone_url: string;
  default_branch?: string;
  description: string | null;
  homepage?: string | null;
  visibility?: string;
  private: boolean;
  topics?: string[];
  allow_merge_commit?: boolean;
  allow_squash_merge?: boolean;
  allow_rebase_merge?: boolean;
  delete_branch_on_merge?: boolean;
}

function facts(repo: RepoData, created: boolean): RepositoryFacts {
  return { id: repo.id, htmlUrl: repo.html_url, cloneUrl: repo.clone_url, defaultBranch: repo.default_branch ?? PUBLISHED_BRANCH, created };
}

/** Finds whether the owner is an organisation or a user, and that a user owner is the token's user. */
async function resolveOwner(ctx: PublishContext): Promise<void> {
  if (ctx.ownerType !== undefined) return;
  const owner = await ifExists(() => ctx.octokit.rest.users.getByUsername({ username: ctx.owner }));
  if (owner === undefined) {
    throw new PavedError(`GitHub has no organisation or user named ${ctx.owner}`, {
      hint: 'check --owner (the organisation or user that will own the repository)',
    });
  }
  if (owner.data.type === 'Organization') {
    ctx.ownerType = 'Organization';
  } else {
    const me = await ctx.octokit.rest.users.getAuthenticated();
    if (me.data.login.toLowerCase() !== ctx.owner.toLowerCase()) {
      throw new PavedError(`${ctx.owner} is a user account, and a token can only create repositories for its own user (this one belongs to ${me.data.login})`, {
        hint: `pass --owner ${me.data.login} or an organisation you can create repositories in`,
      });
    }
    ctx.ownerType = 'User';
  }
  ctx.ownerId = owner.data.id;
}

/**
 * A repository we may take over: empty, or holding this service's history (its first commit),
 * which is the case after an earlier run pushed — even when the team has pushed more since.
 */
async function assertAdoptable(ctx: PublishContext): Promise<void> {
  const branches = await ctx.octokit.rest.repos.listBranches({ owner: ctx.owner, repo: ctx.repo, per_page: 1 });
  if (branches.data.length === 0) return;
  const root = await rootCommit(ctx.service.dir, PUBLISHED_BRANCH, ctx.env);
  // GitHub answers 422 "No commit found for SHA" for a commit the repository does not have.
  const found = await ctx.octokit.rest.repos.getCommit({ owner: ctx.owner, repo: ctx.repo, ref: root, per_page: 1 }).then(
    () => true,
    (error: unknown) => {
      if (statusOf(error) === 404 || statusOf(error) === 422) return false;
      throw error;
    },
  );
  if (!found) {
    throw new PavedError(
      `${ctx.owner}/${ctx.repo} already exists and is not empty, and its history does not contain this service's first commit ${root.slice(0, 12)}`,
      {
        hint: 'choose another name (rename the service), or publish under another --owner; an existing repository is only adopted when it is empty',
      },
    );
  }
}

export const repositoryStep: Step = {
  id: 'repository',
  title: 'repository',
  action: 'create or adopt the repository',
  needs: [],
  async inspect(ctx): Promise<Inspection> {
    await localBranchHead(ctx.service.dir, PUBLISHED_BRANCH, ctx.env);
    await resolveOwner(ctx);
    const { service } = ctx;
    const settings = { description: service.description, homepage: service.homepage, ...MERGE_SETTINGS };
    const existing = await ifExists(() => ctx.octokit.rest.repos.get({ owner: ctx.owner, repo: ctx.repo }));
    if (existing === undefined) {
      const visibility = ctx.visibility ?? 'private';
      return {
        kind: 'change',
        changes: [`create ${visibility} repository ${ctx.owner}/${ctx.repo}`, ...(service.topics.length > 0 ? [`topics: ${service.topics.join(', ')}`] : [])],
        apply: async () => {
          const body = { name: ctx.repo, ...settings, has_wiki: false, auto_init: false };
          const created =
            ctx.ownerType === 'Organization'
              ? await ctx.octokit.rest.repos.createInOrg({ org: ctx.owner, ...body, visibility: visibility as 'public' | 'private' })
              : await ctx.octokit.rest.repos.createForAuthenticatedUser({ ...body, private: visibility !== 'public' });
          ctx.repository = facts(created.data as RepoData, true);
          if (service.topics.length > 0) await ctx.octokit.rest.repos.replaceAllTopics({ owner: ctx.owner, repo: ctx.repo, names: service.topics });
        },
      };
    }
    const repo = existing.data as RepoData;
    if (ctx.repository === undefined) await assertAdoptable(ctx);
    ctx.repository = facts(repo, ctx.repository?.created ?? false);
    const desired: Record<string, unknown> = { ...settings };
    if (ctx.visibility !== undefined) desired.visibility = ctx.visibility;
    const actual: Record<string, unknown> = { ...repo, homepage: repo.homepage ?? '', description: repo.description ?? '' };
    const changes = fieldChanges(actual, desired);
    const topicsDiffer = JSON.stringify([...(repo.topics ?? [])].sort()) !== JSON.stringify([...service.topics].sort());
    if (topicsDiffer) changes.push(`topics: ${(repo.topics ?? []).join(', ') || '(none)'} → ${service.topics.join(', ') || '(none)'}`);
    if (changes.length === 0) return { kind: 'in-sync', detail: `${ctx.owner}/${ctx.repo} exists` };
    return {
      kind: 'change',
      changes,
      apply: async () => {
        if (changes.length > (topicsDiffer ? 1 : 0)) {
          const patch = Object.fromEntries(Object.entries(desired).filter(([k, v]) => JSON.stringify(actual[k]) !== JSON.stringify(v)));
          await ctx.octokit.rest.repos.update({ owner: ctx.owner, repo: ctx.repo, ...patch });
        }
        if (topicsDiffer) await ctx.octokit.rest.repos.replaceAllTopics({ owner: ctx.owner, repo: ctx.repo, names: service.topics });
      },
    };
  },
};
