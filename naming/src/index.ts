/**
 * Paved's naming contract, one for create-service and the platform. Team, service and
 * environment names end up in Kubernetes object names (`<team>-<env>` namespaces and Argo CD
 * projects, `<team>-<service>-<env>` Argo CD applications), label values, image names, DNS and
 * package names, so they are held to the strictest of those rules: a DNS-1035 label (a
 * DNS-1123 label that starts with a letter, which Kubernetes requires for Service names), and
 * lengths chosen so that every derived name fits in 63 characters: 20 + 1 + 30 + 1 + 11.
 */

/** Letters, digits and dashes; starting with a letter and not ending with a dash. */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const NAME_RULE = 'a lowercase DNS label: letters, digits and dashes, starting with a letter and not ending with a dash';

/** Kubernetes object names of these kinds and label values are at most 63 characters. */
export const MAX_DERIVED_NAME = 63;

export type NameKind = 'team' | 'service' | 'environment';

/** The longest name of each kind; the longest application name is exactly MAX_DERIVED_NAME. */
export const NAME_MAX: Readonly<Record<NameKind, number>> = { team: 20, service: 30, environment: 11 };

/** Why `value` is not a valid name of the given kind (what is wrong and what to use), or undefined. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
  const shown = JSON.stringify(value);
  const max = NAME_MAX[kind];
  if (value.length === 0) return `the ${kind} name is empty`;
  if (value.length > max) {
    return `the ${kind} name ${shown} is ${value.length} characters long; at most ${max} are allowed so that derived Kubernetes names (at most ${MAX_DERIVED_NAME}) still fit`;
  }
  if (/[A-Z]/.test(value)) return `the ${kind} name ${shown} has uppercase letters; use lowercase (${JSON.stringify(value.toLowerCase())})`;
  if (/^[0-9]/.test(value)) return `the ${kind} name ${shown} starts with a digit; it must start with a letter`;
  if (value.startsWith('-') || value.endsWith('-')) return `the ${kind} name ${shown} starts or ends with a dash`;
  if (!NAME_PATTERN.test(value)) {
    return `the ${kind} name ${shown} has characters other than lowercase letters, digits and dashes (no dots, slashes, spaces or underscores)`;
  }
  return undefined;
}

/** A team's namespace in an environment; its Argo CD project has the same name (projectName). */
export const namespaceName = (team: string, environment: string): string => `${team}-${environment}`;

/** The Argo CD AppProject of a team in an environment: named like the namespace it deploys to. */
export const projectName = namespaceName;

/** The Argo CD Application of a service in an environment. */
export const applicationName = (team: string, service: string, environment: string): string => `${team}-${service}-${environment}`;
