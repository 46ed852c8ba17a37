// The pure model: validated config in, desired objects out. Pulumi and the
// YAML renderer both apply exactly these objects.

import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { Config } from '../config/types.js';
import {
  appProject,
  application,
  clusterGuardrails,
  limitRange,
  namespace,
  networkPolicies,
  rbac,
  resourceQuota,
  type ClusterObject,
  type K8sObject,
  type TenantObject,
} from './objects.js';
import { shardOf, stackName } from './stacks.js';

/** Everything one team owns in one environment, split the way the Pulumi components are. */
export interface TeamEnvironmentUnit {
  team: string;
  environment: string;
  /** Pulumi stack that provisions this unit. */
  stack: string;
  tenant: TenantObject[];
  project: IAppProject;
  apps: IApplication[];
}

/** Cluster-wide objects of the platform itself, once per cluster (not per team). */
export interface ClusterUnit {
  environment: string;
  /** The environment's first stack, which always exists whatever the teams' shards. */
  stack: string;
  objects: ClusterObject[];
}

export interface DesiredState {
  units: TeamEnvironmentUnit[];
  clusters: ClusterUnit[];
}

export function buildModel(config: Config): DesiredState {
  const { platform } = config;
  const units: TeamEnvironmentUnit[] = [];
  const clusters: ClusterUnit[] = [];
  const contexts = new Set<string>();
  for (const env of platform.environments) {
    // Environments that share a cluster share its cluster-wide objects: the first one owns them.
    if (!contexts.has(env.cluster.context)) {
      contexts.add(env.cluster.context);
      clusters.push({ environment: env.name, stack: stackName(env.name, 0, platform.stackShards), objects: clusterGuardrails(platform) });
    }
    for (const team of config.teams) {
      if (!team.environments.some((e) => e.name === env.name)) continue;
      units.push({
        team: team.id,
        environment: env.name,
        stack: stackName(env.name, shardOf(team.id, platform.stackShards), platform.stackShards),
        tenant: [namespace(platform, team, env), resourceQuota(team, env), limitRange(team, env), ...networkPolicies(team, env), ...rbac(platform, team, env)],
        project: appProject(platform, team, env),
        apps: team.services.map((service) => application(team, env, service)),
      });
    }
  }
  return { units, clusters };
}

export const unitObjects = (unit: TeamEnvironmentUnit): K8sObject[] => [...unit.tenant, unit.project, ...unit.apps];

/** Everything the platform wants in its clusters: cluster-wide objects first, as they are applied. */
export const allObjects = (state: DesiredState): K8sObject[] => [...state.clusters.flatMap((cluster) => cluster.objects), ...state.units.flatMap(unitObjects)];

/** What identifies an object: the model's objects, or objects read back from a cluster. */
export interface ObjectIdentity {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** Identity of an object in a cluster: apiVersion/kind/namespace/name. */
export const objectKey = (object: ObjectIdentity): string =>
  `${object.apiVersion}/${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

/** All stack names the config uses, with their team units (a cluster's first stack even without teams). */
export function stacks(state: DesiredState): Map<string, TeamEnvironmentUnit[]> {
  const result = new Map<string, TeamEnvironmentUnit[]>(state.clusters.map((cluster) => [cluster.stack, []]));
  for (const unit of state.units) {
    const list = result.get(unit.stack);
    if (list) list.push(unit);
    else result.set(unit.stack, [unit]);
  }
  return result;
}
