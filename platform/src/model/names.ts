// Every generated name comes from here, so config validation can predict and
// check exactly the names the model will create.

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

// The derived names are the naming contract's, which create-service shares.
export { applicationName, namespaceName, projectName } from '@paved/naming';
