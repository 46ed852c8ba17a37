// Reads a config directory (platform.yaml + teams/*.yaml), validates it and
// returns either a Config or every problem found, each pointing at file:line.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { validatePlatform, validateTeam } from './schema.js';
import { credentialIn, redactCredential, withoutCredential } from './repository.js';
import { crossCheck } from './checks.js';
import { Located, type FileIssue as ConfigIssue } from '@paved/frame/yaml';
import type { Config, PlatformConfig, TeamConfig, Quota, EnvironmentConfig, ServiceConfig } from './types.js';

export { formatIssue, type FileIssue as ConfigIssue } from '@paved/frame/yaml';

export type LoadResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

export interface SourceFile {
  /** Path relative to the config directory, with "/" separators. */
  path: string;
  text: string;
}

/** Parse and validate config held in memory (used by the loader, tests and the bench). */
export function parseConfig(files: SourceFile[]): LoadResult {
  const issues: ConfigIssue[] = [];
  const platformFile = files.find((file) => file.path === 'platform.yaml');
  if (!platformFile)
    return {
      ok: false,
      issues: [
        {
          file: 'platform.yaml',
          line: 1,
          column: 1,
          message: 'platform.yaml is missing; the config directory needs platform.yaml and teams/<team>.yaml files',
        },
      ],
    };

  const platformDoc = new Located(platformFile.path, platformFile.text);
  const platformRaw = readDocument(platformDoc, issues);
  platformDoc.release();
  if (platformRaw !== undefined) issues.push(...platformDoc.issues(validatePlatform(platformRaw)));

  const teamDocs: Array<{ located: Located; raw: unknown }> = [];
  for (const file of files.filter((f) => f.path !== 'platform.yaml').sort((a, b) => a.path.localeCompare(b.path))) {
    const located = new Located(file.path, file.text);
    const raw = readDocument(located, issues);
    if (raw === undefined) continue;
    const credentialIssues = credentialsIn(raw, located);
    const schemaIssues = validateTeam(raw);
    issues.push(...credentialIssues, ...located.issues(schemaIssues));
    if (schemaIssues.length === 0 && credentialIssues.length === 0) {
      issues.push(...overlayPathIssues(raw as RawTeam, located));
      teamDocs.push({ located, raw });
    }
    located.release();
  }
  // Without a valid platform.yaml nothing else can be checked; invalid team
  // files are left out of the cross-file checks but the others still get them.
  if (platformRaw === undefined || issues.some((issue) => issue.file === platformFile.path)) return { ok: false, issues };

  const platform = toPlatform(platformRaw as RawPlatform);
  const teams = teamDocs.map(({ located, raw }) => toTeam(raw as RawTeam, located.file));
  const located = new Map(teamDocs.map(({ located }) => [located.file, located]));
  issues.push(...crossCheck(platform, teams, platformDoc, located));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: { platform, teams } };
}

/**
 * Repository URLs that carry a credential: each is reported (the URL redacted) and taken out of
 * the document, so no later message prints the token either.
 */
function credentialsIn(raw: unknown, located: Located): ConfigIssue[] {
  const services = (raw as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) return [];
  const issues: ConfigIssue[] = [];
  services.forEach((service: unknown, index) => {
    const repo = (service as { repo?: unknown } | null)?.repo;
    const credential = typeof repo === 'string' ? credentialIn(repo) : undefined;
    if (credential === undefined) return;
    issues.push(
      located.issue(
        ['services', index, 'repo'],
        `services[${index}].repo ${redactCredential(repo as string)} carries a credential (${credential}); remove it: the file is in git for everyone to read, and Argo CD reads repositories with credentials of its own (a repository Secret in its namespace)`,
      ),
    );
    (service as { repo: string }).repo = withoutCredential(repo as string);
  });
  return issues;
}

/** paths.<env> must name one of the team's own environments. */
function overlayPathIssues(raw: RawTeam, located: Located): ConfigIssue[] {
  const envs = Object.keys(raw.environments);
  return (raw.services ?? []).flatMap((service, index) =>
    Object.keys(service.paths ?? {})
      .filter((env) => !envs.includes(env))
      .map((env) =>
        located.issue(
          ['services', index, 'paths', env],
          `paths.${env} names an environment the team does not use; the team's environments are: ${envs.join(', ')}`,
          true,
        ),
      ),
  );
}

function readDocument(located: Located, issues: ConfigIssue[]): unknown {
  const read = located.value();
  if (read.ok) return read.value;
  issues.push(...read.issues);
  return undefined;
}

/** Load <dir>/platform.yaml and <dir>/teams/*.yaml. */
export async function loadConfig(dir: string): Promise<LoadResult> {
  const read = await readConfigFiles(dir);
  if (!read.ok) return read;
  const result = parseConfig(read.files);
  if (read.issues.length === 0) return result;
  return { ok: false, issues: [...read.issues, ...(result.ok ? [] : result.issues)] };
}

/** The source files of a config folder, unparsed, and the entries of teams/ that do not belong there. */
/**
 * The largest platform.yaml or team file read. The examples are about 1 KB; a team with a
 * thousand services is about 100 KB. Anything near this is a mistake or an attack, and every
 * check after it is linear in the size.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

/** One source file, or why it cannot be one (a folder, too big, unreadable). */
async function readSource(dir: string, file: string): Promise<SourceFile | ConfigIssue> {
  const full = path.join(dir, file);
  const problem = (message: string): ConfigIssue => ({ file, line: 1, column: 1, message });
  try {
    const info = await stat(full);
    if (!info.isFile())
      return problem(
        `${file} is not a file; ${file === 'platform.yaml' ? 'the config directory needs a platform.yaml file' : 'teams/ holds one <team>.yaml file per team'}`,
      );
    if (info.size > MAX_FILE_BYTES)
      return problem(`${file} is ${info.size} bytes; a config file is at most ${MAX_FILE_BYTES} bytes (split the team, or remove what is not config)`);
    return { path: file, text: await readFile(full, 'utf8') };
  } catch (cause) {
    return problem(`cannot read ${full} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`);
  }
}

export async function readConfigFiles(dir: string): Promise<{ ok: true; files: SourceFile[]; issues: ConfigIssue[] } | { ok: false; issues: ConfigIssue[] }> {
  const platform = await readSource(dir, 'platform.yaml');
  if (!('text' in platform)) {
    const missing = platform.message.startsWith('cannot read');
    return {
      ok: false,
      issues: [
        missing
          ? {
              ...platform,
              file: path.join(dir, 'platform.yaml'),
              message: `cannot read ${path.join(dir, 'platform.yaml')}: pass --config <dir> pointing at a directory with platform.yaml and teams/`,
            }
          : platform,
      ],
    };
  }
  const files: SourceFile[] = [platform];
  let entries: string[] = [];
  try {
    entries = await readdir(path.join(dir, 'teams'));
  } catch {
    // No teams yet is a valid (empty) platform.
  }
  const issues: ConfigIssue[] = [];
  for (const entry of entries.sort()) {
    if (entry.endsWith('.yaml') || entry.endsWith('.yml')) {
      const team = await readSource(dir, `teams/${entry}`);
      if ('text' in team) files.push(team);
      else issues.push(team);
    } else if (!entry.startsWith('.'))
      issues.push({ file: `teams/${entry}`, line: 1, column: 1, message: 'only <team>.yaml files belong in teams/; rename or move this file' });
  }
  return { ok: true, files, issues };
}

// ---- raw (schema-checked) shapes to typed config --------------------------------

type RawQuota = Record<string, string | number>;
interface RawPlatform {
  identity: { kubernetesGroupPrefix?: string; argocdGroupPrefix?: string; platformGroups?: string[] };
  stacks?: { shards: number };
  reservedNamespaces?: string[];
  environments: Record<
    string,
    {
      cluster: { context: string; server?: string };
      argocdNamespace: string;
      ingressNamespace: string;
      observabilityNamespace?: string;
      production?: boolean;
      autoSync?: boolean;
      quota: { default: RawQuota; max: RawQuota };
      containerLimits?: EnvironmentConfig['containerLimits'];
    }
  >;
}
interface RawTeam {
  id: string;
  displayName: string;
  group: string;
  environments: Record<string, { quota?: RawQuota } | null>;
  services?: Array<{ name: string; repo: string; tier?: ServiceConfig['tier']; path?: string; paths?: Record<string, string>; targetRevision?: string }>;
}

const toQuota = (raw: RawQuota | undefined): Quota => Object.fromEntries(Object.entries(raw ?? {}).map(([key, value]) => [key, String(value)])) as Quota;

function toPlatform(raw: RawPlatform): PlatformConfig {
  return {
    identity: {
      kubernetesGroupPrefix: raw.identity.kubernetesGroupPrefix ?? '',
      argocdGroupPrefix: raw.identity.argocdGroupPrefix ?? '',
      platformGroups: raw.identity.platformGroups ?? [...DEFAULT_PLATFORM_GROUPS],
    },
    stackShards: raw.stacks?.shards ?? DEFAULT_STACK_SHARDS,
    reservedNamespaces: raw.reservedNamespaces ?? [],
    environments: Object.entries(raw.environments).map(([name, env]) => {
      const production = env.production ?? false;
      return {
        name,
        cluster: { context: env.cluster.context, server: env.cluster.server ?? 'https://kubernetes.default.svc' },
        argocdNamespace: env.argocdNamespace,
        ingressNamespace: env.ingressNamespace,
        ...(env.observabilityNamespace ? { observabilityNamespace: env.observabilityNamespace } : {}),
        production,
        // Production never syncs by itself: a person approves each sync.
        autoSync: production ? false : (env.autoSync ?? true),
        quota: { default: toQuota(env.quota.default), max: toQuota(env.quota.max) },
        containerLimits: env.containerLimits
          ? {
              defaultRequest: { cpu: String(env.containerLimits.defaultRequest.cpu), memory: String(env.containerLimits.defaultRequest.memory) },
              default: { cpu: String(env.containerLimits.default.cpu), memory: String(env.containerLimits.default.memory) },
            }
          : { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' } },
      };
    }),
  };
}

/** Who may change guardrails when platform.yaml names nobody: the cluster's superusers. */
export const DEFAULT_PLATFORM_GROUPS = ['system:masters'] as const;

/**
 * Stacks per environment when platform.yaml does not say: sized so that a one-team change is
 * previewed within 10 s at 1,000 teams (about 5 teams per stack; the fullest shard holds about
 * twice the average, and a 10-team stack previews in about 8 s on the real engine — see
 * bench/platform/README.md). Stacks without teams cost nothing: a pull request previews only
 * the stacks it touches. Changing the count later moves teams between stacks (see README).
 */
export const DEFAULT_STACK_SHARDS = 200;

export const DEFAULT_OVERLAY = 'deploy/overlays/{env}';

function toTeam(raw: RawTeam, file: string): TeamConfig {
  const envNames = Object.keys(raw.environments);
  return {
    id: raw.id,
    displayName: raw.displayName,
    group: raw.group,
    file,
    environments: Object.entries(raw.environments).map(([name, env]) => ({ name, quota: toQuota(env?.quota) })),
    services: (raw.services ?? []).map((service) => ({
      name: service.name,
      repo: service.repo,
      tier: service.tier ?? 'standard',
      targetRevision: service.targetRevision ?? 'HEAD',
      paths: Object.fromEntries(envNames.map((env) => [env, (service.paths?.[env] ?? service.path ?? DEFAULT_OVERLAY).replaceAll('{env}', env)])),
    })),
  };
}
