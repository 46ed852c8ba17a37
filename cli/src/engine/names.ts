/**
 * Service and team names end up in Kubernetes object names (`<team>-<env>` namespaces,
 * `<team>-<service>-<env>` Argo CD applications), image names, DNS and package names, so
 * they are held to the strictest of those rules: a DNS-1035 label (a DNS-1123 label that
 * starts with a letter, which Kubernetes requires for Service names).
 */
export const SERVICE_NAME_MAX = 30;
export const TEAM_NAME_MAX = 20;
/** Longest environment name the platform allows (`staging`, `preview` …); keeps derived names within 63. */
export const ENV_NAME_MAX = 10;

export const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Returns why `value` is not a valid name of the given kind, or undefined when it is. */
export function nameProblem(kind: 'service' | 'team', value: string, max: number): string | undefined {
  const shown = JSON.stringify(value);
  if (value.length === 0) return `the ${kind} name is empty`;
  if (value.length > max) {
    return `the ${kind} name ${shown} is ${value.length} characters long; at most ${max} are allowed so that derived Kubernetes names (at most 63) still fit`;
  }
  if (/[A-Z]/.test(value)) return `the ${kind} name ${shown} has uppercase letters; use lowercase (${JSON.stringify(value.toLowerCase())})`;
  if (/^[0-9]/.test(value)) return `the ${kind} name ${shown} starts with a digit; it must start with a letter`;
  if (value.startsWith('-') || value.endsWith('-')) return `the ${kind} name ${shown} starts or ends with a dash`;
  if (!NAME_PATTERN.test(value)) {
    return `the ${kind} name ${shown} has characters other than lowercase letters, digits and dashes (no dots, slashes, spaces or underscores)`;
  }
  return undefined;
}

export const NAME_RULE =
  'a lowercase DNS label: letters, digits and dashes, starting with a letter and not ending with a dash';
