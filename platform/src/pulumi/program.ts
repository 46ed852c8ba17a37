// The Pulumi program body: one stack provisions the team environments the
// model assigns to it (see model/stacks.ts for why stacks are sharded).

import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { Config } from '../config/types.js';
import { buildModel, type TeamEnvironmentUnit } from '../model/model.js';
import { stackName } from '../model/stacks.js';
import { ClusterGuardrails, ServiceApps, TeamProject, TeamTenant } from './components.js';

export interface StackTarget {
  environment: string;
  shard: number;
}

/** Which environment and shard a stack name ("prod" or "prod-s03") stands for. */
export function parseStack(config: Config, stack: string): StackTarget {
  const { environments, stackShards } = config.platform;
  for (const env of environments)
    for (let shard = 0; shard < stackShards; shard++) if (stackName(env.name, shard, stackShards) === stack) return { environment: env.name, shard };
  const examples = environments.map((env) => stackName(env.name, 0, stackShards)).join(', ');
  throw new Error(
    `stack "${stack}" is not one of this platform's stacks; stacks are named <environment>${stackShards > 1 ? `-s<shard>` : ''} (e.g. ${examples}); see \`paved platform stacks\``,
  );
}

export interface Provisioned {
  units: TeamEnvironmentUnit[];
  /** The cluster-wide guardrails, in the one stack per cluster that owns them. */
  cluster?: ClusterGuardrails;
  tenants: TeamTenant[];
  projects: TeamProject[];
  apps: ServiceApps[];
  provider: k8s.Provider;
  /** Every resource created, components included, for callers that wait for registration. */
  resources: pulumi.Resource[];
}

export function provision(config: Config, stack: string): Provisioned {
  const target = parseStack(config, stack);
  const env = config.platform.environments.find((candidate) => candidate.name === target.environment)!;
  const state = buildModel(config);
  const units = state.units.filter((unit) => unit.stack === stack);
  const clusterUnit = state.clusters.find((candidate) => candidate.stack === stack);

  // An explicit provider per stack: the cluster comes from platform.yaml, never from ambient kubeconfig.
  const provider = new k8s.Provider(env.name, { context: env.cluster.context, enableServerSideApply: true });
  const result: Provisioned = { units, tenants: [], projects: [], apps: [], provider, resources: [provider] };
  if (clusterUnit) {
    result.cluster = new ClusterGuardrails(clusterUnit.environment, { objects: clusterUnit.objects }, { providers: [provider] });
    result.resources.push(result.cluster, ...result.cluster.children);
  }
  for (const unit of units) {
    const name = `${unit.team}-${unit.environment}`;
    // Guardrails are protected from the moment they exist, when this stack owns the policy.
    const tenant = new TeamTenant(name, { objects: unit.tenant }, { providers: [provider], ...(result.cluster ? { dependsOn: [result.cluster] } : {}) });
    const project = new TeamProject(name, { project: unit.project }, { providers: [provider], dependsOn: [tenant] });
    // Applications wait for the guardrails and the project: no workload starts before its quota and network policy exist.
    const apps = new ServiceApps(name, { apps: unit.apps }, { providers: [provider], dependsOn: [tenant, project] });
    result.tenants.push(tenant);
    result.projects.push(project);
    result.apps.push(apps);
    result.resources.push(tenant, ...tenant.children, project, ...project.children, apps, ...apps.children);
  }
  return result;
}
