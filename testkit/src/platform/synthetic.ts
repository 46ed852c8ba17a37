// Generated config of any size, for the bench and for tests that need many
// teams. It goes through the same parser as real files.

import type { SourceFile } from '@paved/platform';

export interface SyntheticOptions {
  teams: number;
  servicesPerTeam: number;
  /** Environment names; the last one is production. */
  environments?: string[];
  shards?: number;
}

export function syntheticPlatform(environments: string[], shards: number): string {
  const envs = environments
    .map(
      (env, i) => `  ${env}:
    cluster: { context: ${env}-cluster, server: https://kubernetes.default.svc }
    argocdNamespace: argocd
    ingressNamespace: ingress-nginx
    production: ${i === environments.length - 1 && environments.length > 1}
    quota:
      default: { requests.cpu: "4", requests.memory: 8Gi, limits.cpu: "8", limits.memory: 16Gi, pods: 50 }
      max: { requests.cpu: "64", requests.memory: 128Gi, limits.cpu: "128", limits.memory: 256Gi, pods: 500 }
`,
    )
    .join('');
  return `identity:\n  kubernetesGroupPrefix: "oidc:"\nstacks:\n  shards: ${shards}\nenvironments:\n${envs}`;
}

export const syntheticTeamId = (i: number): string => `team-${String(i).padStart(4, '0')}`;

export function syntheticTeam(id: string, servicesPerTeam: number, environments: string[]): string {
  const envs = environments.map((env, i) => (i === 0 ? `  ${env}:\n    quota: { requests.cpu: "8" }\n` : `  ${env}: {}\n`)).join('');
  const services = Array.from(
    { length: servicesPerTeam },
    (_, s) => `  - name: svc-${s}\n    repo: https://git.example.com/${id}/svc-${s}.git\n${s === 0 ? '    tier: critical\n' : ''}`,
  ).join('');
  return `id: ${id}\ndisplayName: Team ${id}\ngroup: example:${id}\nenvironments:\n${envs}services:\n${services}`;
}

export function syntheticConfig(options: SyntheticOptions): SourceFile[] {
  const environments = options.environments ?? ['dev', 'staging', 'prod'];
  const files: SourceFile[] = [{ path: 'platform.yaml', text: syntheticPlatform(environments, options.shards ?? 1) }];
  for (let i = 0; i < options.teams; i++) {
    const id = syntheticTeamId(i);
    files.push({ path: `teams/${id}.yaml`, text: syntheticTeam(id, options.servicesPerTeam, environments) });
  }
  return files;
}
