// Every generated name comes from here, so config validation can predict and
// check exactly the names the model will create.

/** Kubernetes label values and Argo CD application names must fit in 63 characters. */
export const MAX_NAME = 63;

export const LABELS = {
  team: 'paved.dev/team',
  environment: 'paved.dev/environment',
  service: 'paved.dev/service',
  tier: 'paved.dev/tier',
  /** On namespaces: "true" where teams are read-only and Argo CD syncs by hand. */
  production: 'paved.dev/production',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export const ANNOTATIONS = {
  /** The Kubernetes group that owns a team namespace; guardrails compare bindings with it. */
  ownerGroup: 'paved.dev/owner-group',
  displayName: 'paved.dev/display-name',
  repo: 'paved.dev/repo',
} as const;

export const MANAGED_BY = 'paved-platform';

export const namespaceName = (team: string, env: string): string => `${team}-${env}`;
export const projectName = (team: string, env: string): string => `${team}-${env}`;
export const applicationName = (team: string, service: string, env: string): string => `${team}-${service}-${env}`;
