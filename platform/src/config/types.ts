// The validated shape of platform.yaml and teams/<team>.yaml. These types are
// what the loader promises after validation; the raw YAML is never trusted.

/** Resource names a quota or limit may use, as Kubernetes spells them. */
export const QUOTA_KEYS = [
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
  'requests.storage',
  'persistentvolumeclaims',
  'pods',
  'services',
  'configmaps',
  'secrets',
] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
export type Quota = Partial<Record<QuotaKey, string>>;

export interface ContainerLimits {
  /** Requests given to containers that declare none, so they still schedule under a quota. */
  defaultRequest: { cpu: string; memory: string };
  /** Limits given to containers that declare none. */
  default: { cpu: string; memory: string };
}

export interface EnvironmentConfig {
  name: string;
  cluster: {
    /** kubeconfig context Pulumi uses to reach the cluster. */
    context: string;
    /** API server URL as Argo CD knows the cluster. */
    server: string;
  };
  argocdNamespace: string;
  ingressNamespace: string;
  /**
   * Where Prometheus and the OpenTelemetry collector run: allowed to scrape team pods, and the
   * one place team pods may send OTLP to. Without it, neither is allowed.
   */
  observabilityNamespace?: string;
  /** Production: teams get read-only RBAC and Argo CD syncs only on request. */
  production: boolean;
  /** Automated sync (prune + self-heal); always false in production. */
  autoSync: boolean;
  quota: { default: Quota; max: Quota };
  containerLimits: ContainerLimits;
}

export interface IdentityConfig {
  /** Prefix the API server's OIDC authenticator adds to group claims (e.g. "oidc:"). */
  kubernetesGroupPrefix: string;
  /** Prefix for groups as Argo CD's SSO sees them (often empty). */
  argocdGroupPrefix: string;
  /**
   * Kubernetes groups of the identities that apply the platform (Pulumi, the GitOps applier):
   * the only ones the admission policy lets change or delete the guardrails.
   */
  platformGroups: string[];
}

export interface PlatformConfig {
  environments: EnvironmentConfig[];
  identity: IdentityConfig;
  /** Number of Pulumi stacks per environment that teams are spread over. */
  stackShards: number;
  /** Namespaces no team may get, beyond the ones Paved always reserves (see config/reserved.ts). */
  reservedNamespaces: string[];
}

export interface ServiceConfig {
  name: string;
  repo: string;
  tier: 'critical' | 'standard' | 'experimental';
  /** Deploy overlay path per environment the team uses. */
  paths: Record<string, string>;
  targetRevision: string;
}

export interface TeamEnvironment {
  name: string;
  quota: Quota;
}

export interface TeamConfig {
  id: string;
  displayName: string;
  /** Identity-provider group, e.g. GitHub team "acme:payments". */
  group: string;
  environments: TeamEnvironment[];
  services: ServiceConfig[];
  /** File the team came from, relative to the config directory. */
  file: string;
}

export interface Config {
  platform: PlatformConfig;
  teams: TeamConfig[];
}
