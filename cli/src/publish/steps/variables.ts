import type { Inspection, Step } from '../types.js';

/** Repository-level Actions variables (`vars.NAME` in workflows); never secrets. */
export const variablesStep: Step = {
  id: 'variables',
  title: 'Actions variables',
  action: 'set the Actions variables',
  needs: ['repository'],
  async inspect(ctx): Promise<Inspection> {
    const desired = Object.entries(ctx.service.variables);
    if (ctx.repository === undefined) return { kind: 'change', changes: desired.map(([name, value]) => `set ${name}=${value}`) };
    const repoRef = { owner: ctx.owner, repo: ctx.repo };
    const existing = await ctx.octokit.paginate(ctx.octokit.rest.actions.listRepoVariables, { ...repoRef, per_page: 30 });
    const current = new Map(existing.map((v) => [v.name.toUpperCase(), v.value]));
    const changes: string[] = [];
    const actions: (() => Promise<unknown>)[] = [];
    for (const [name, value] of desired) {
      const have = current.get(name);
      if (have === value) continue;
      changes.push(have === undefined ? `set ${name}=${value}` : `${name}: ${have} → ${value}`);
      actions.push(() =>
        have === undefined
          ? ctx.octokit.rest.actions.createRepoVariable({ ...repoRef, name, value })
          : ctx.octokit.rest.actions.updateRepoVariable({ ...repoRef, name, value }),
      );
    }
    if (changes.length === 0) return { kind: 'in-sync', detail: `${desired.length} variables set` };
    return {
      kind: 'change',
      changes,
      apply: async () => {
        for (const act of actions) await act();
      },
    };
  },
};
