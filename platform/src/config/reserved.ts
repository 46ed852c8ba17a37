// Namespaces no team may get. A team's namespaces are `<team>-<env>`, so with an environment
// `nginx` the team `ingress` would get `ingress-nginx` — the ingress controller's own — with its
// edit Role and a default-deny policy, and `check` would pass. So a team id, and every
// namespace it composes, is checked against the names the cluster and the platform use.

import type { PlatformConfig } from './types.js';

/**
 * Namespaces of add-ons clusters commonly run, reserved whatever platform.yaml says (it can add
 * more with `reservedNamespaces`).
 */
export const WELL_KNOWN_NAMESPACES = [
  'argocd',
  'cert-manager',
  'external-dns',
  'external-secrets',
  'flux-system',
  'gatekeeper-system',
  'ingress-nginx',
  'istio-system',
  'kyverno',
  'linkerd',
  'local-path-storage',
  'logging',
  'monitoring',
  'observability',
  'opentelemetry',
  'velero',
] as const;

/** Why each reserved name is reserved, for the message; `kube-*` is reserved as a prefix. */
export function reservedNamespaces(platform: PlatformConfig): Map<string, string> {
  const reserved = new Map<string, string>();
  // the most specific reason first: a name keeps the first reason it is given
  const add = (name: string | undefined, reason: string) => {
    if (name !== undefined && !reserved.has(name)) reserved.set(name, reason);
  };
  add('default', "Kubernetes' default namespace");
  for (const env of platform.environments) {
    add(env.argocdNamespace, `environment "${env.name}"'s argocdNamespace (platform.yaml)`);
    add(env.ingressNamespace, `environment "${env.name}"'s ingressNamespace (platform.yaml)`);
    add(env.observabilityNamespace, `environment "${env.name}"'s observabilityNamespace (platform.yaml)`);
  }
  for (const name of platform.reservedNamespaces) add(name, "listed in platform.yaml's reservedNamespaces");
  for (const name of WELL_KNOWN_NAMESPACES) add(name, "a well-known add-on's namespace");
  return reserved;
}

/** Why `name` may not be a team's (namespace or id), or undefined when it may. */
export function reservedBecause(name: string, reserved: ReadonlyMap<string, string>): string | undefined {
  if (name === 'kube' || name.startsWith('kube-')) return 'Kubernetes keeps kube-* for itself';
  return reserved.get(name);
}
