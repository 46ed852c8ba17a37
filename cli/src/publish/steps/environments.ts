import type { Inspection, PublishContext, Step } from '../types.js';
import { ifExists } from './http.js';
import { PUBLISHED_BRANCH } from './repository.js';
import { owningTeam } from './team.js';

/** staging deploys freely from main; production waits for the owning team's approval. */
export const ENVIRONMENTS = ['staging', 'production'] as const;

interface Reviewer {
  type: 'User' | 'Team';
  id: number;
}

interface EnvironmentData {
  protection_rules?: { type: string; wait_timer?: number; prevent_self_review?: boolean; reviewers?: { type?: string; reviewer?: { id?: number } | null }[] }[];
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

async function productionReviewer(ctx: PublishContext): Promise<Reviewer & { label: string }> {
  if (ctx.ownerType === 'User') return { type: 'User', id: ctx.ownerId ?? 0, label: `user ${ctx.owner}` };
  const team = await owningTeam(ctx);
  return { type: 'Team', id: team.id, label: `team ${team.slug}` };
}

export const environmentsStep: Step = {
  id: 'environments',
  title: 'environments',
  action: 'create the deployment environments',
  needs: ['repository'],
  async inspect(ctx): Promise<Inspection> {
    if (ctx.repository === undefined) {
      return {
        kind: 'change',
        changes: ['create environment staging', `create environment production (approval by ${ctx.service.team}, deploys from ${PUBLISHED_BRANCH} only)`],
      };
    }
    const repoRef = { owner: ctx.owner, repo: ctx.repo };
    const reviewer = await productionReviewer(ctx);
    const changes: string[] = [];
    const actions: (() => Promise<unknown>)[] = [];

    const staging = await ifExists(() => ctx.octokit.rest.repos.getEnvironment({ ...repoRef, environment_name: 'staging' }));
    if (staging === undefined) {
      changes.push('create environment staging');
      actions.push(() => ctx.octokit.rest.repos.createOrUpdateEnvironment({ ...repoRef, environment_name: 'staging' }));
    }

    const production = (await ifExists(() => ctx.octokit.rest.repos.getEnvironment({ ...repoRef, environment_name: 'production' })))?.data as
      EnvironmentData | undefined;
    const reviewersRule = production?.protection_rules?.find((r) => r.type === 'required_reviewers');
    const current: Reviewer[] = (reviewersRule?.reviewers ?? [])
      .filter((r) => (r.type === 'User' || r.type === 'Team') && typeof r.reviewer?.id === 'number')
      .map((r) => ({ type: r.type as Reviewer['type'], id: r.reviewer?.id ?? 0 }));
    const hasReviewer = current.some((r) => r.type === reviewer.type && r.id === reviewer.id);
    const policy = production?.deployment_branch_policy;
    const policyOk = policy?.custom_branch_policies === true && policy.protected_branches === false;
    if (production === undefined || !hasReviewer || !policyOk) {
      changes.push(
        production === undefined
          ? `create environment production (approval by ${reviewer.label}, deploys from ${PUBLISHED_BRANCH} only)`
          : `production: ${[!hasReviewer && `add reviewer ${reviewer.label}`, !policyOk && 'restrict deployments to selected branches'].filter(Boolean).join(', ')}`,
      );
      const waitTimer = production?.protection_rules?.find((r) => r.type === 'wait_timer')?.wait_timer;
      actions.push(() =>
        ctx.octokit.rest.repos.createOrUpdateEnvironment({
          ...repoRef,
          environment_name: 'production',
          // Reviewers someone added by hand stay; ours is added.
          reviewers: hasReviewer ? current : [...current, { type: reviewer.type, id: reviewer.id }],
          deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
          ...(waitTimer === undefined ? {} : { wait_timer: waitTimer }),
        }),
      );
    }

    const policies = policyOk
      ? (await ctx.octokit.rest.repos.listDeploymentBranchPolicies({ ...repoRef, environment_name: 'production', per_page: 100 })).data.branch_policies
      : [];
    if (!policies.some((p) => p.name === PUBLISHED_BRANCH && (p.type ?? 'branch') === 'branch')) {
      if (policyOk) changes.push(`production: allow deployments from branch ${PUBLISHED_BRANCH}`);
      actions.push(() =>
        ctx.octokit.rest.repos.createDeploymentBranchPolicy({ ...repoRef, environment_name: 'production', name: PUBLISHED_BRANCH, type: 'branch' }),
      );
    }

    if (changes.length === 0) return { kind: 'in-sync', detail: 'staging and production are set up' };
    return {
      kind: 'change',
      changes,
      apply: async () => {
        for (const act of actions) await act();
      },
    };
  },
};
