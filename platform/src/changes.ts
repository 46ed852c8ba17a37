// Which stacks a change touches: the stacks whose Pulumi program would differ between two
// configs — their objects, or the cluster their provider targets. A pull request then previews,
// and a merge applies, only those, which is what keeps a one-team change fast at 1,000 teams.

import type { Config } from './config/types.js';
import { buildModel, objectKey, type DesiredState, type ObjectIdentity } from './model/model.js';
import { allStacks } from './model/stacks.js';

/** What a stack's program amounts to: its provider's cluster and its objects, in a stable order. */
function stackContents(config: Config, state: DesiredState): Map<string, string> {
  const objects = new Map<string, ObjectIdentity[]>();
  const add = (stack: string, items: ObjectIdentity[]) => objects.set(stack, [...(objects.get(stack) ?? []), ...items]);
  for (const unit of state.units) add(unit.stack, [...unit.tenant, unit.project, ...unit.apps]);
  for (const cluster of state.clusters) add(cluster.stack, cluster.objects);
  const contents = new Map<string, string>();
  for (const slot of allStacks(config.platform.environments, config.platform.stackShards)) {
    const context = config.platform.environments.find((env) => env.name === slot.environment)!.cluster.context;
    const sorted = (objects.get(slot.stack) ?? []).map((object) => [objectKey(object), JSON.stringify(object)] as const).sort(([a], [b]) => a.localeCompare(b));
    contents.set(slot.stack, JSON.stringify({ context, objects: sorted }));
  }
  return contents;
}

/**
 * The stacks of `current` whose program differs from `base`'s, in rollout order. (A stack
 * `base` had and `current` has not — fewer shards — is a planned migration, see the README,
 * and is not listed: the program refuses to run a stack the config does not have.)
 */
export function changedStacks(base: Config, current: Config): Set<string> {
  // A team's objects come from platform.yaml and its own file alone (model.ts builds each unit
  // from those), so with platform.yaml unchanged only the teams that changed need modelling:
  // at 1,000 teams that is what keeps a pull request's wait short. A change to platform.yaml
  // may touch any stack, and all of them are compared.
  if (JSON.stringify(base.platform) === JSON.stringify(current.platform)) {
    const before = new Map(base.teams.map((team) => [team.id, JSON.stringify(team)]));
    const after = new Map(current.teams.map((team) => [team.id, JSON.stringify(team)]));
    const changed = new Set([...before.keys(), ...after.keys()].filter((id) => before.get(id) !== after.get(id)));
    base = { platform: base.platform, teams: base.teams.filter((team) => changed.has(team.id)) };
    current = { platform: current.platform, teams: current.teams.filter((team) => changed.has(team.id)) };
  }
  const before = stackContents(base, buildModel(base));
  const after = stackContents(current, buildModel(current));
  return new Set([...after].filter(([stack, contents]) => before.get(stack) !== contents).map(([stack]) => stack));
}
