import type { Inspection, PublishContext, Step } from '../types.js';

/** Publish finds its ruleset again by this name; rename it and publish will add a new one. */
export const RULESET_NAME = 'paved: protect default branch';

interface Rule {
  type: string;
  parameters?: Record<string, unknown>;
}

/** The rules, by type. Parameters list only what we require; GitHub may add defaults. */
export function desiredRules(requiredChecks: string[]): Rule[] {
  return [
    { type: 'deletion' },
    { type: 'non_fast_forward' },
    { type: 'required_linear_history' },
    {
      type: 'pull_request',
      parameters: {
        required_approving_review_count: 1,
        require_code_owner_review: true,
        dismiss_stale_reviews_on_push: true,
        require_last_push_approval: false,
        required_review_thread_resolution: true,
      },
    },
    {
      type: 'required_status_checks',
      parameters: { strict_required_status_checks_policy: true, required_status_checks: requiredChecks.map((context) => ({ context })) },
    },
  ];
}

const CONDITIONS = { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] as string[] } };

/** Lines saying how `actual` falls short of `desired`; rules we do not manage are left alone. */
function ruleDifferences(actual: Rule[], desired: Rule[]): string[] {
  const out: string[] = [];
  for (const want of desired) {
    const have = actual.find((r) => r.type === want.type);
    if (have === undefined) {
      out.push(`add rule ${want.type}`);
      continue;
    }
    for (const [key, value] of Object.entries(want.parameters ?? {})) {
      const current = have.parameters?.[key];
      if (JSON.stringify(normalise(current)) !== JSON.stringify(normalise(value)))
        out.push(`${want.type}.${key}: ${JSON.stringify(current ?? null)} → ${JSON.stringify(value)}`);
    }
  }
  return out;
}

/** Status checks compare as sets of contexts; order and integration ids GitHub fills in do not matter. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && 'context' in v)) {
    return value.map((v: { context: string }) => v.context).sort();
  }
  return value;
}

async function findRuleset(ctx: PublishContext) {
  const all = await ctx.octokit.paginate(ctx.octokit.rest.repos.getRepoRulesets, { owner: ctx.owner, repo: ctx.repo, per_page: 100, includes_parents: false });
  const mine = all.find((r) => r.name === RULESET_NAME && r.source_type !== 'Organization');
  if (mine === undefined) return undefined;
  return (await ctx.octokit.rest.repos.getRepoRuleset({ owner: ctx.owner, repo: ctx.repo, ruleset_id: mine.id })).data;
}

export const rulesetStep: Step = {
  id: 'ruleset',
  title: 'branch ruleset',
  action: 'protect the default branch with a ruleset',
  needs: ['repository', 'push'],
  async inspect(ctx): Promise<Inspection> {
    const rules = desiredRules(ctx.service.requiredChecks);
    const summary = `require pull requests with code-owner approval, checks ${ctx.service.requiredChecks.join(', ')}, linear history, no force pushes or deletion`;
    if (ctx.repository === undefined) return { kind: 'change', changes: [`create ruleset "${RULESET_NAME}": ${summary}`] };
    const existing = await findRuleset(ctx);
    if (existing === undefined) {
      return {
        kind: 'change',
        changes: [`create ruleset "${RULESET_NAME}": ${summary}`],
        apply: async () => {
          await ctx.octokit.rest.repos.createRepoRuleset({
            owner: ctx.owner,
            repo: ctx.repo,
            name: RULESET_NAME,
            target: 'branch',
            enforcement: 'active',
            bypass_actors: [],
            conditions: CONDITIONS,
            rules: rules as never,
          });
        },
      };
    }
    const actualRules = (existing.rules ?? []) as Rule[];
    const changes = ruleDifferences(actualRules, rules);
    if (existing.enforcement !== 'active') changes.push(`enforcement: ${existing.enforcement} → active`);
    const include = (existing.conditions as { ref_name?: { include?: string[] } } | null | undefined)?.ref_name?.include ?? [];
    if (!include.includes('~DEFAULT_BRANCH')) changes.push('conditions: add the default branch');
    if (changes.length === 0) return { kind: 'in-sync', detail: `ruleset ${existing.id} is in place` };
    return {
      kind: 'change',
      changes: changes.map((c) => `ruleset ${existing.id}: ${c}`),
      apply: async () => {
        // Keep rules someone added by hand; replace only the ones we manage.
        const managed = new Set(rules.map((r) => r.type));
        const merged = [...actualRules.filter((r) => !managed.has(r.type)), ...rules];
        await ctx.octokit.rest.repos.updateRepoRuleset({
          owner: ctx.owner,
          repo: ctx.repo,
          ruleset_id: existing.id,
          enforcement: 'active',
          conditions: {
            ref_name: {
              include: [...new Set([...include, '~DEFAULT_BRANCH'])],
              exclude: (existing.conditions as { ref_name?: { exclude?: string[] } } | null | undefined)?.ref_name?.exclude ?? [],
            },
          },
          rules: merged as never,
        });
      },
    };
  },
};
