// Rules that need more than one field or more than one file: ownership
// (ids, groups, repositories), known environments, quota ceilings and the
// names the model will generate from the config.

import type { FileIssue as ConfigIssue, Located } from '@paved/frame/yaml';
import { parseQuantity } from './quantity.js';
import type { PlatformConfig, TeamConfig, QuotaKey } from './types.js';
import { applicationName, namespaceName } from '../model/names.js';
import { reservedBecause, reservedNamespaces } from './reserved.js';
import { repositoryIdentity } from './repository.js';

export function crossCheck(platform: PlatformConfig, teams: TeamConfig[], platformDoc: Located, docs: Map<string, Located>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const where = (team: TeamConfig) => docs.get(team.file)!;
  const lineOf = (team: TeamConfig, path: Array<string | number>) => `${team.file}:${where(team).at(path).line}`;
  const envNames = platform.environments.map((env) => env.name);

  // Platform-level: defaults must respect the maximum they sit next to.
  for (const env of platform.environments) {
    for (const [key, value] of Object.entries(env.quota.default) as Array<[QuotaKey, string]>) {
      const max = env.quota.max[key];
      if (max !== undefined && parseQuantity(value)! > parseQuantity(max)!)
        issues.push(
          platformDoc.issue(
            ['environments', env.name, 'quota', 'default', key],
            `default quota ${key}=${value} in environment "${env.name}" is above its maximum ${max}; lower the default or raise quota.max.${key}`,
          ),
        );
    }
  }

  const reserved = reservedNamespaces(platform);
  const ids = new Map<string, TeamConfig>();
  const groups = new Map<string, TeamConfig>();
  const repos = new Map<string, { team: TeamConfig; index: number }>();
  /** Who each derived name belongs to, and where: a clash is reported at both places, since
   * either file may be the one a pull request just changed. */
  const namespaces = new Map<string, { doc: Located; path: Array<string | number>; atKey: boolean; what: string }>();
  const apps = new Map<string, { doc: Located; path: Array<string | number>; atKey: boolean; what: string }>();

  for (const team of teams) {
    const doc = where(team);
    const expectedFile = [`teams/${team.id}.yaml`, `teams/${team.id}.yml`];
    if (!expectedFile.includes(team.file))
      issues.push(
        doc.issue(
          ['id'],
          `team id "${team.id}" does not match the file name; a team's file must be teams/${team.id}.yaml so that ownership of the file is ownership of the team`,
        ),
      );

    const idReserved = reservedBecause(team.id, reserved);
    if (idReserved) {
      issues.push(doc.issue(['id'], `team id "${team.id}" is reserved (${idReserved}); choose another id`));
      continue;
    }

    const sameId = ids.get(team.id);
    if (sameId) {
      // Everything else about this file would only repeat the clash.
      issues.push(doc.issue(['id'], `duplicate team id "${team.id}": already used by ${lineOf(sameId, ['id'])}; team ids must be unique`));
      continue;
    }
    ids.set(team.id, team);

    const sameGroup = groups.get(team.group);
    if (sameGroup)
      issues.push(
        doc.issue(
          ['group'],
          `group "${team.group}" is already the identity of team "${sameGroup.id}" (${lineOf(sameGroup, ['group'])}); each team needs its own group, otherwise its members could reach the other team's namespaces`,
        ),
      );
    else groups.set(team.group, team);

    for (const env of team.environments) {
      const platformEnv = platform.environments.find((candidate) => candidate.name === env.name);
      if (!platformEnv) {
        issues.push(doc.issue(['environments', env.name], `unknown environment "${env.name}"; platform.yaml defines: ${envNames.join(', ')}`, true));
        continue;
      }
      for (const [key, value] of Object.entries(env.quota) as Array<[QuotaKey, string]>) {
        const max = platformEnv.quota.max[key];
        const quotaPath = ['environments', env.name, 'quota', key];
        if (max === undefined)
          issues.push(
            doc.issue(
              quotaPath,
              `quota ${key} cannot be overridden in "${env.name}": the platform sets no maximum for it; overridable keys: ${Object.keys(platformEnv.quota.max).join(', ')}`,
              true,
            ),
          );
        else if (parseQuantity(value)! > parseQuantity(max)!)
          issues.push(
            doc.issue(
              quotaPath,
              `quota ${key}=${value} in "${env.name}" is above the platform maximum ${max}; ask for at most ${max}, or ask the platform team to raise the maximum`,
            ),
          );
      }
      // (the naming contract's limits keep it within 63 characters)
      const ns = namespaceName(team.id, env.name);
      const nsReserved = reservedBecause(ns, reserved);
      if (nsReserved) {
        issues.push(
          doc.issue(
            ['environments', env.name],
            `namespace "${ns}" (team "${team.id}" in environment "${env.name}") is reserved (${nsReserved}); choose another team id`,
            true,
          ),
        );
        continue;
      }
      const here = {
        doc,
        path: ['environments', env.name],
        atKey: true,
        what: `team "${team.id}" in environment "${env.name}" (${lineOf(team, ['environments', env.name])})`,
      };
      const nsOwner = namespaces.get(ns);
      if (nsOwner) {
        const message = `namespace "${ns}" would be created twice: for ${nsOwner.what} and for ${here.what}; one of the two team ids must change`;
        issues.push(nsOwner.doc.issue(nsOwner.path, message, nsOwner.atKey), doc.issue(here.path, message, true));
      } else namespaces.set(ns, here);
    }

    const services = new Map<string, number>();
    team.services.forEach((service, index) => {
      const namePath = ['services', index, 'name'];
      const first = services.get(service.name);
      if (first !== undefined)
        issues.push(
          doc.issue(
            namePath,
            `duplicate service "${service.name}": already defined at ${lineOf(team, ['services', first, 'name'])}; service names must be unique within a team`,
          ),
        );
      else services.set(service.name, index);

      // every spelling of one repository is one repository (see repository.ts)
      const repoKey = repositoryIdentity(service.repo) ?? service.repo.toLowerCase();
      const claimed = repos.get(repoKey);
      if (claimed && claimed.team.id !== team.id)
        issues.push(
          doc.issue(
            ['services', index, 'repo'],
            `repository ${service.repo} is already claimed by team "${claimed.team.id}" (${lineOf(claimed.team, ['services', claimed.index, 'repo'])}); a repository belongs to exactly one team`,
          ),
        );
      else if (!claimed) repos.set(repoKey, { team, index });

      for (const [env, overlay] of Object.entries(service.paths)) {
        if (/[{}]/.test(overlay))
          issues.push(
            doc.issue(
              ['services', index],
              `overlay path "${overlay}" for "${env}" has braces left after replacing {env}; only the {env} placeholder is supported`,
            ),
          );
      }
      for (const env of team.environments) {
        const app = applicationName(team.id, service.name, env.name);
        const here = { doc, path: namePath, atKey: false, what: `service "${service.name}" of team "${team.id}" (${lineOf(team, namePath)})` };
        const appOwner = apps.get(app);
        if (appOwner && first === undefined) {
          const message = `Argo CD application "${app}" would be created twice: for ${appOwner.what} and for ${here.what}; rename one of the services`;
          issues.push(appOwner.doc.issue(appOwner.path, message), doc.issue(namePath, message));
        } else if (!appOwner) apps.set(app, here);
      }
    });
  }
  return issues;
}
