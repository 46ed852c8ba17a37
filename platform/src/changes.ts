// Which stacks a change touches: the stacks whose Pulumi program would differ between two
// configs — their objects, or the cluster their provider targets. A pull request then previews,
// and a merge applies, only those, which is what keeps a one-team change fast at 1,000 teams.

import { formatIssue, parseConfig, readConfigFiles, type SourceFile } from './config/load.js';
import type { Config, PlatformConfig } from './config/types.js';
import { buildModel, objectKey, type ObjectIdentity } from './model/model.js';
import { allStacks } from './model/stacks.js';

/** What each stack's program amounts to: its provider's cluster and its objects, in a stable order. */
function stackContents(config: Config): Map<string, string> {
  const state = buildModel(config);
  const objects = new Map<string, ObjectIdentity[]>();
  const add = (stack: string, items: ObjectIdentity[]) => {
    const list = objects.get(stack);
    if (list) list.push(...items);
    else objects.set(stack, [...items]);
  };
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
function changedStacks(base: Config, current: Config): Set<string> {
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
  const before = stackContents(base);
  const after = stackContents(current);
  return new Set([...after].filter(([stack, contents]) => before.get(stack) !== contents).map(([stack]) => stack));
}

export type Touched = { ok: true; platform: PlatformConfig; stacks: Set<string> } | { ok: false; base: boolean; problem: string };

/**
 * The stacks a change from the config in `baseDir` to the one in `currentDir` touches. When
 * platform.yaml is the same text in both, only the team files whose text differs are parsed:
 * at 1,000 teams that is most of the time a pull request waits before its previews start.
 * `base: true` in a failure means the base could not be read or parsed (every stack is then
 * touched); otherwise the current config is at fault.
 */
export async function touchedStacks(baseDir: string, currentDir: string): Promise<Touched> {
  const [base, current] = await Promise.all([readConfigFiles(baseDir), readConfigFiles(currentDir)]);
  if (!current.ok || current.issues.length > 0) return { ok: false, base: false, problem: formatIssue(current.issues[0]!) };
  if (!base.ok) return { ok: false, base: true, problem: formatIssue(base.issues[0]!) };
  const textOf = (files: SourceFile[]) => new Map(files.map((file) => [file.path, file.text]));
  const [before, after] = [textOf(base.files), textOf(current.files)];
  const samePlatform = before.get('platform.yaml') === after.get('platform.yaml');
  const needed = (file: SourceFile) => !samePlatform || file.path === 'platform.yaml' || before.get(file.path) !== after.get(file.path);
  const [parsedBase, parsedCurrent] = [parseConfig(base.files.filter(needed)), parseConfig(current.files.filter(needed))];
  if (!parsedCurrent.ok) return { ok: false, base: false, problem: formatIssue(parsedCurrent.issues[0]!) };
  if (!parsedBase.ok) return { ok: false, base: true, problem: formatIssue(parsedBase.issues[0]!) };
  return { ok: true, platform: parsedCurrent.config.platform, stacks: changedStacks(parsedBase.config, parsedCurrent.config) };
}
