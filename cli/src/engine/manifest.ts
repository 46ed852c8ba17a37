import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PavedError } from '@paved/frame';
import semver from 'semver';
import { loadYaml } from './yaml-lazy.js';
import { precompiledYaml } from './compile.js';

/** A template's parameter as declared in `template.yaml`. */
export type Parameter =
  | (ParameterBase & { type: 'string'; default?: string; pattern?: string; patternHelp?: string })
  | (ParameterBase & { type: 'boolean'; default?: boolean })
  | (ParameterBase & { type: 'enum'; values: string[]; default?: string })
  | (ParameterBase & { type: 'number'; default?: number; min?: number; max?: number; integer: boolean });

interface ParameterBase {
  name: string;
  prompt: string;
  required: boolean;
  secret: boolean;
  /**
   * When create-service asks for it interactively: `always` (what a service developer knows,
   * e.g. a description), `unless-configured` (an organisation's setting, e.g. its GitHub
   * organisation: taken from paved.config.yaml, asked only when neither a flag nor that file
   * gives it) or `never` (a setting every service starts from the default of, e.g. memory;
   * --set or paved.config.yaml change it).
   */
  ask: ParameterAsk;
}

export const PARAMETER_ASK = ['always', 'unless-configured', 'never'] as const;
export type ParameterAsk = (typeof PARAMETER_ASK)[number];

export interface Feature {
  id: string;
  description: string;
}

export interface Manifest {
  id: string;
  version: string;
  description: string;
  language: string;
  layers: string[];
  parameters: Parameter[];
  features: Feature[];
  /** Commands shown after generation; rendered with the answers plus `packageManager`. */
  nextSteps: string[];
  /** New defaults for parameters declared by the layers (e.g. more memory for a JVM). */
  defaults: Record<string, string | number | boolean>;
  /** Service names this template cannot take (compared with dashes as underscores), and why. */
  reservedNames: { names: Set<string>; reason: string } | undefined;
}

/** A template on disk: its manifest and where its files and shared layers live. */
export interface Template {
  manifest: Manifest;
  /** templates/<id> */
  dir: string;
  /** templates/ (holds _layers and _partials too) */
  root: string;
}

/** Names every template gets without declaring them, or that the render context uses itself. */
export const RESERVED_NAMES = ['name', 'team', 'features', 'enabledFeatures', 'template', 'paved', 'pm'] as const;

const ID = /^[a-z][a-z0-9-]*$/;
const PARAMETER_NAME = /^[a-z][a-zA-Z0-9]*$/;

/** Reads and checks `<dir>/template.yaml`; errors name the file and the field. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, 'template.yaml');
  return checkManifest(await readYaml(file, 'the template manifest'), file);
}

/**
 * The parameters a shared layer declares in `<layerDir>/layer.yaml` (none without the file):
 * a layer that uses a value declares it once, instead of every template repeating it.
 */
export async function readLayerParameters(layerDir: string): Promise<Parameter[]> {
  const file = join(layerDir, 'layer.yaml');
  if (!existsSync(file)) return [];
  const fail = (field: string, problem: string): never => {
    throw new PavedError(`${file}: ${field} ${problem}`, { hint: 'see templates/README.md for the layer format' });
  };
  const doc = record(await readYaml(file, 'the layer manifest'), 'the layer manifest', fail);
  const parameters = list(doc.parameters, 'parameters', fail).map((p, i) => parameter(p, `parameters[${i}]`, fail));
  const seen = new Set<string>(RESERVED_NAMES);
  for (const p of parameters) {
    if (seen.has(p.name)) fail('parameters', `declare ${JSON.stringify(p.name)} twice or use a reserved name (${RESERVED_NAMES.join(', ')})`);
    seen.add(p.name);
  }
  return parameters;
}

async function readYaml(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    // Synchronous, like the engine's other reads of small files: no thread-pool round trip.
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new PavedError(`cannot read ${what} ${file}`, { cause });
  }
  const cached = precompiledYaml(text);
  if (cached !== undefined) return cached;
  try {
    // Only templates without build-time parsed manifests (a fork, an old release) pay for it.
    const { parse } = await loadYaml();
    return parse(text);
  } catch (cause) {
    throw new PavedError(`${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
}

/** Validates a parsed manifest. Exported so the engine's tests can feed it hostile input. */
export function checkManifest(raw: unknown, file: string): Manifest {
  const fail = (field: string, problem: string): never => {
    throw new PavedError(`${file}: ${field} ${problem}`, {
      hint: 'see templates/README.md for the manifest format',
    });
  };
  const doc = record(raw, 'the manifest', fail);
  const id = str(doc.id, 'id', fail);
  if (!ID.test(id)) fail('id', `must match ${ID} (got ${JSON.stringify(id)})`);
  const version = str(doc.version, 'version', fail);
  // As written, with no leading v or build metadata: the version names tags and is compared as text.
  if (semver.valid(version) !== version) fail('version', `must be a semantic version like 1.2.3 (got ${JSON.stringify(version)})`);
  const manifest: Manifest = {
    id,
    version,
    description: str(doc.description, 'description', fail),
    language: str(doc.language, 'language', fail),
    layers: list(doc.layers, 'layers', fail).map((l, i) => str(l, `layers[${i}]`, fail)),
    parameters: list(doc.parameters, 'parameters', fail).map((p, i) => parameter(p, `parameters[${i}]`, fail)),
    features: list(doc.features, 'features', fail).map((f, i) => feature(f, `features[${i}]`, fail)),
    nextSteps: list(doc.nextSteps, 'nextSteps', fail).map((s, i) => str(s, `nextSteps[${i}]`, fail)),
    defaults: defaultsOf(doc.defaults, fail),
    reservedNames: reservedNamesOf(doc.reservedNames, fail),
  };
  const seen = new Set<string>(RESERVED_NAMES);
  for (const p of manifest.parameters) {
    if (seen.has(p.name)) fail('parameters', `declare ${JSON.stringify(p.name)} twice or use a reserved name (${RESERVED_NAMES.join(', ')})`);
    seen.add(p.name);
  }
  const features = new Set<string>();
  for (const f of manifest.features) {
    if (features.has(f.id)) fail('features', `declare ${JSON.stringify(f.id)} twice`);
    features.add(f.id);
  }
  return manifest;
}

type Fail = (field: string, problem: string) => never;

function record(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be a mapping');
  return value as Record<string, unknown>;
}

function str(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
  return value as string;
}

function list(value: unknown, field: string, fail: Fail): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(field, 'must be a list');
  return value as unknown[];
}

function optionalBool(value: unknown, field: string, fail: Fail): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(field, 'must be true or false');
  return value as boolean;
}

function optionalNumber(value: unknown, field: string, fail: Fail): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a number');
  return value as number;
}

function reservedNamesOf(value: unknown, fail: Fail): Manifest['reservedNames'] {
  if (value === undefined || value === null) return undefined;
  const doc = record(value, 'reservedNames', fail);
  const names = list(doc.names, 'reservedNames.names', fail).map((n, i) => str(n, `reservedNames.names[${i}]`, fail));
  return { names: new Set(names), reason: str(doc.reason, 'reservedNames.reason', fail) };
}

function defaultsOf(value: unknown, fail: Fail): Record<string, string | number | boolean> {
  if (value === undefined || value === null) return {};
  const doc = record(value, 'defaults', fail);
  for (const [key, v] of Object.entries(doc)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`defaults.${key}`, 'must be text, a number or true/false');
  }
  return doc as Record<string, string | number | boolean>;
}

function feature(value: unknown, field: string, fail: Fail): Feature {
  const doc = record(value, field, fail);
  const id = str(doc.id, `${field}.id`, fail);
  if (!ID.test(id)) fail(`${field}.id`, `must match ${ID} (got ${JSON.stringify(id)})`);
  return { id, description: str(doc.description, `${field}.description`, fail) };
}

function askOf(value: unknown, field: string, fail: Fail): ParameterAsk {
  const ask = str(value, field, fail);
  if (!(PARAMETER_ASK as readonly string[]).includes(ask)) fail(field, `must be one of ${PARAMETER_ASK.join(', ')} (got ${JSON.stringify(ask)})`);
  return ask as ParameterAsk;
}

function parameter(value: unknown, field: string, fail: Fail): Parameter {
  const doc = record(value, field, fail);
  const name = str(doc.name, `${field}.name`, fail);
  if (!PARAMETER_NAME.test(name)) fail(`${field}.name`, `must match ${PARAMETER_NAME} (got ${JSON.stringify(name)})`);
  const base: ParameterBase = {
    name,
    prompt: doc.prompt === undefined ? name : str(doc.prompt, `${field}.prompt`, fail),
    required: optionalBool(doc.required, `${field}.required`, fail),
    secret: optionalBool(doc.secret, `${field}.secret`, fail),
    ask: doc.ask === undefined ? 'always' : askOf(doc.ask, `${field}.ask`, fail),
  };
  const at = `${field} (${name})`;
  if (base.ask === 'never' && doc.default === undefined) fail(`${at}.ask`, 'is never, so the parameter needs a default (nothing would ever give it a value)');
  switch (doc.type) {
    case 'string': {
      const p: Parameter = { ...base, type: 'string' };
      if (doc.default !== undefined) p.default = str(doc.default, `${at}.default`, fail);
      if (doc.pattern !== undefined) {
        const pattern = str(doc.pattern, `${at}.pattern`, fail);
        try {
          new RegExp(pattern, 'u');
        } catch (cause) {
          fail(`${at}.pattern`, `is not a valid regular expression: ${(cause as Error).message}`);
        }
        if (!pattern.startsWith('^') || !pattern.endsWith('$')) fail(`${at}.pattern`, 'must be anchored with ^ and $');
        p.pattern = pattern;
        if (doc.patternHelp !== undefined) p.patternHelp = str(doc.patternHelp, `${at}.patternHelp`, fail);
      }
      return p;
    }
    case 'boolean': {
      const p: Parameter = { ...base, type: 'boolean' };
      if (doc.default !== undefined) p.default = optionalBool(doc.default, `${at}.default`, fail);
      return p;
    }
    case 'enum': {
      const values = list(doc.values, `${at}.values`, fail).map((v, i) => str(v, `${at}.values[${i}]`, fail));
      if (values.length === 0) fail(`${at}.values`, 'must list at least one value');
      const p: Parameter = { ...base, type: 'enum', values };
      if (doc.default !== undefined) {
        const d = str(doc.default, `${at}.default`, fail);
        if (!values.includes(d)) fail(`${at}.default`, `must be one of ${values.join(', ')}`);
        p.default = d;
      }
      return p;
    }
    case 'number': {
      const p: Parameter = { ...base, type: 'number', integer: doc.integer === undefined ? true : optionalBool(doc.integer, `${at}.integer`, fail) };
      const min = optionalNumber(doc.min, `${at}.min`, fail);
      const max = optionalNumber(doc.max, `${at}.max`, fail);
      if (min !== undefined) p.min = min;
      if (max !== undefined) p.max = max;
      const d = optionalNumber(doc.default, `${at}.default`, fail);
      if (d !== undefined) p.default = d;
      return p;
    }
    default:
      return fail(`${at}.type`, `must be one of string, boolean, enum, number (got ${JSON.stringify(doc.type)})`);
  }
}
