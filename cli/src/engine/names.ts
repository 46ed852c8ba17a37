/**
 * Service and team names follow Paved's one naming contract (@paved/naming, shared with the
 * platform, which provisions `<team>-<env>` namespaces and `<team>-<service>-<env>` Argo CD
 * applications from the same names).
 */
import { NAME_MAX } from '@paved/naming';

export { nameProblem, NAME_PATTERN, NAME_RULE } from '@paved/naming';
export const SERVICE_NAME_MAX = NAME_MAX.service;
export const TEAM_NAME_MAX = NAME_MAX.team;
