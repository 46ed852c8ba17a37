/**
 * The organisation's settings for create-service: `paved.config.yaml`, which a platform team
 * commits once (at the top of a monorepo, or of the folder services are created in), and the
 * user's own `~/.config/paved/config.yaml`. Values a service developer does not know — the
 * GitHub organisation, the organisation's copy of Paved, default memory — come from here, so
 * nobody is asked for them. Format: schemas/paved-config.schema.json.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PavedError } from '@paved/frame';
import { nameProblem, type AnswerValue } from './engine/index.js';
import { loadYaml } from './engine/yaml-lazy.js';

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
const KEY = /^[a-z][a-zA-Z0-9]*$/;

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

/** Reads and checks one file; every problem names the file and the key. */
async function readConfigFile(file: string): Promise<ConfigFile> {
  const fail = (problem: string): never => {
    throw new PavedError(`${file}: ${problem}`, {
      exitCode: 2,
      hint: 'see "Organisation settings" in the create-service README; schemas/paved-config.schema.json in the package describes the format',
    });
  };
  let text: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) fail('is not a file');
    if (stat.size > MAX_BYTES) fail(`is ${stat.size} bytes; a config file is at most ${MAX_BYTES}`);
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof PavedError) throw cause;
    throw new PavedError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const { parseDocument } = await loadYaml();
  const parsed = parseDocument(text, { prettyErrors: false });
  if (parsed.errors.length > 0) fail(`is not valid YAML: ${parsed.errors[0]!.message}`);
  let doc: unknown;
  try {
    // No aliases: a config file has no use for them, and they are how YAML bombs expand.
    doc = parsed.toJS({ maxAliasCount: 0 });
  } catch (cause) {
    fail(`cannot be read: ${(cause as Error).message}; write each value out (YAML aliases, & and *, are not accepted)`);
  }
  if (doc === null || doc === undefined) return { defaults: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) fail('must be a mapping with the key "defaults"');
  const { defaults, ...unknown } = doc as Record<string, unknown>;
  for (const key of Object.keys(unknown)) fail(`unknown key ${JSON.stringify(key)}; the only key is "defaults"`);
  if (defaults === undefined || defaults === null) return { defaults: {} };
  if (typeof defaults !== 'object' || Array.isArray(defaults)) fail('defaults must be a mapping of parameter names to values, e.g. githubOrg: acme');
  const result: ConfigFile = { defaults: {} };
  for (const [key, value] of Object.entries(defaults as Record<string, unknown>)) {
    if (!KEY.test(key)) fail(`defaults.${key} is not a parameter name (letters and digits, starting with a lower-case letter)`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      fail(`defaults.${key} must be text, a number or true/false (got ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value})`);
    if (key === 'team') {
      if (typeof value !== 'string') fail('defaults.team must be text, e.g. team: payments');
      const problem = nameProblem('team', value as string);
      if (problem) fail(`defaults.team: ${problem}`);
      result.team = value as string;
    } else result.defaults[key] = value as AnswerValue;
  }
  return result;
}
