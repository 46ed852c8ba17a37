/**
 * The organisation's settings for create-service: `paved.config.yaml`, which a platform team
 * commits once (at the top of a monorepo, or of the folder services are created in), and the
 * user's own `~/.config/paved/config.yaml`. Values a service developer does not know — the
 * GitHub organisation, the organisation's copy of Paved, default memory — come from here, so
 * nobody is asked for them. Format: engine/schemas.ts (orgConfigSchema); the schema shipped for
 * editors, dist/paved-config.schema.json, adds each template parameter's own rule.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { AnswerValue } from './engine/index.js';
import { readYamlFile } from './engine/yaml-file.js';

export const ORG_CONFIG_FILE = 'paved.config.yaml';

/** Settings from the config files, each value with the file it came from. */
export interface OrgConfig {
  /** Default owning team (the developer's own, typically in the user's file). */
  team?: { value: string; file: string };
  /** Template parameter values by name (those a template does not declare are not for it). */
  defaults: Map<string, { value: AnswerValue; file: string }>;
}

/** The largest config file read: it is a handful of lines, so anything bigger is a mistake. */
const MAX_BYTES = 64 * 1024;

/**
 * The nearest `paved.config.yaml` from `from` upwards, then the user's config file; a value in a
 * nearer file wins. `env` gives XDG_CONFIG_HOME and HOME (tests point them elsewhere).
 */
export async function readOrgConfig(from: string, env: NodeJS.ProcessEnv): Promise<OrgConfig> {
  const config: OrgConfig = { defaults: new Map() };
  const project = nearest(resolve(from));
  const user = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'paved', 'config.yaml');
  for (const file of [project, existsSync(user) ? user : undefined]) {
    if (file === undefined) continue;
    const doc = await readConfigFile(file);
    if (doc.team !== undefined && config.team === undefined) config.team = { value: doc.team, file };
    for (const [key, value] of Object.entries(doc.defaults)) if (!config.defaults.has(key)) config.defaults.set(key, { value, file });
  }
  return config;
}

/** The first paved.config.yaml in dir or a parent folder. */
function nearest(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, ORG_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

interface ConfigFile {
  team?: string;
  defaults: Record<string, AnswerValue>;
}

/** Reads and checks one file against its schema; every problem names the file, line and key. */
async function readConfigFile(file: string): Promise<ConfigFile> {
  const doc = (await readYamlFile(file, 'orgConfig', {
    what: 'the organisation settings',
    hint: 'see "Organisation settings" in the create-service README; dist/paved-config.schema.json in the package describes the format',
    maxBytes: MAX_BYTES,
  })) as { defaults?: Record<string, AnswerValue> | null } | null;
  const { team, ...defaults } = doc?.defaults ?? {};
  return { ...(typeof team === 'string' ? { team } : {}), defaults };
}
