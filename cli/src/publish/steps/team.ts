import { PavedError } from '@paved/frame';
import type { Inspection, PublishContext, Step } from '../types.js';
import { ifExists } from './http.js';

/** The owning team runs the service: it maintains the repository but does not administer it. */
export const TEAM_PERMISSION = 'maintain';
const ENOUGH = new Set(['maintain', 'admin']);

/** The owning team in the owner organisation, or a clear error naming the catalog field. */
export async function owningTeam(ctx: PublishContext): Promise<{ id: number; slug: string }> {
  const team = await ifExists(() => ctx.octokit.rest.teams.getByName({ org: ctx.owner, team_slug: ctx.service.team }));
  if (team === undefined) {
    throw new PavedError(`the owning team ${ctx.service.team} (spec.owner in catalog-info.yaml) is not a team in ${ctx.owner}, or the token cannot see it`, {
      hint: `create the team in ${ctx.owner} or fix spec.owner and commit; a classic token needs read:org to see teams`,
    });
  }
  return { id: team.data.id, slug: team.data.slug };
}

export const teamAccessStep: Step = {
  id: 'team-access',
  title: 'team access',
  action: 'grant the owning team access',
  needs: ['repository'],
  async inspect(ctx): Promise<Inspection> {
    if (ctx.ownerType === 'User') return { kind: 'skip', reason: `${ctx.owner} is a user account; teams exist only in organisations` };
    const team = ctx.repository === undefined ? { slug: ctx.service.team } : await owningTeam(ctx);
    const want = `grant team ${team.slug} ${TEAM_PERMISSION} access`;
    if (ctx.repository === undefined) return { kind: 'change', changes: [want] };
    const current = await ifExists(() =>
      ctx.octokit.rest.teams.checkPermissionsForRepoInOrg({
        org: ctx.owner,
        team_slug: team.slug,
        owner: ctx.owner,
        repo: ctx.repo,
        // Without this media type GitHub answers 204 and does not say which permission.
        headers: { accept: 'application/vnd.github.v3.repository+json' },
      }),
    );
    const role = (current?.data as { role_name?: string } | undefined)?.role_name;
    if (role !== undefined && ENOUGH.has(role)) return { kind: 'in-sync', detail: `team ${team.slug} has ${role}` };
    return {
      kind: 'change',
      changes: [role === undefined ? want : `team ${team.slug}: ${role} → ${TEAM_PERMISSION}`],
      apply: async () => {
        await ctx.octokit.rest.teams.addOrUpdateRepoPermissionsInOrg({
          org: ctx.owner,
          team_slug: team.slug,
          owner: ctx.owner,
          repo: ctx.repo,
          permission: TEAM_PERMISSION,
        });
      },
    };
  },
};
