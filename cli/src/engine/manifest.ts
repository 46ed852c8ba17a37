import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@paved/frame';
import { schemaProblems } from './schema-check.js';
import { readYamlFile } from './yaml-file.js';

/** A template's parameter as declared in `template.yaml`. */
export type Parameter =
  | (ParameterBase & { type: 'string'; default?: string; pattern?: string; patternHelp?: string })
  | (ParameterBase & { type: 'boolean'; default?: boolean })
  | (ParameterBase & { type: 'enum'; values: string[]; default?: string })
  | (ParameterBase & { type: 'number'; default?: number; min?: number; max?: number; integer: boolean });

interface ParameterBase {
  name: string;
  prompt: string;
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
  /** Features this one builds on (declared before it, so their files render first). */
  requires?: string[];
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

const MANIFEST_HINT = 'see templates/README.md for the manifest format';
const LAYER_HINT = 'see templates/README.md for the layer format';

/** Reads and checks `<dir>/template.yaml`; errors name the file, the line and the field. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, 'template.yaml');
  return toManifest((await readYamlFile(file, 'manifest', { what: 'the template manifest', hint: MANIFEST_HINT })) as RawManifest, file);
}

/**
 * The parameters a shared layer declares in `<layerDir>/layer.yaml` (none without the file):
 * a layer that uses a value declares it once, instead of every template repeating it.
 */
export async function readLayerParameters(layerDir: string): Promise<Parameter[]> {
  const file = join(layerDir, 'layer.yaml');
  if (!existsSync(file)) return [];
  const doc = (await readYamlFile(file, 'layer', { what: 'the layer manifest', hint: LAYER_HINT })) as RawLayer | null;
  return toParameters(doc?.parameters ?? [], file, LAYER_HINT);
}

/**
 * Checks a parsed manifest against its schema and the rules across its fields. Exported so the
 * build can check the shipped manifests and the engine's tests can feed it hostile input.
 */
export async function checkManifest(raw: unknown, file: string): Promise<Manifest> {
  await checkSchema('manifest', raw, file, MANIFEST_HINT);
  return toManifest(raw as RawManifest, file);
}

/** Checks a parsed layer file the same way; its parameters. */
export async function checkLayer(raw: unknown, file: string): Promise<Parameter[]> {
  await checkSchema('layer', raw, file, LAYER_HINT);
  return toParameters((raw as RawLayer | null)?.parameters ?? [], file, LAYER_HINT);
}

async function checkSchema(schema: 'manifest' | 'layer', raw: unknown, file: string, hint: string): Promise<void> {
  const problems = await schemaProblems(schema, raw);
  if (problems.length > 0) throw new UsageError(`${file}: ${problems.map((p) => p.message).join('; ')}`, hint);
}

// The shapes the schemas (schemas.ts) guarantee; the rules across fields are checked below.
/** A parameter as written: the fields with defaults may be left out (per kind, hence distributive). */
type Written<P> = P extends Parameter
  ? Omit<P, 'ask' | 'integer' | 'prompt' | 'secret'> & { ask?: ParameterAsk; integer?: boolean; prompt?: string; secret?: boolean }
  : never;
type RawParameter = Written<Parameter>;
interface RawLayer {
  parameters?: RawParameter[];
}
interface RawManifest extends RawLayer {
  id: string;
  version: string;
  description: string;
  language: string;
  layers?: string[];
  features?: Feature[];
  nextSteps?: string[];
  defaults?: Record<string, string | number | boolean>;
  reservedNames?: { names: string[]; reason: string };
}

type Fail = (field: string, problem: string) => never;
const failIn =
  (file: string, hint: string): Fail =>
  (field, problem) => {
    throw new UsageError(`${file}: ${field} ${problem}`, hint);
  };

/** A schema-checked manifest as the engine uses it, after the rules across fields. */
function toManifest(doc: RawManifest, file: string): Manifest {
  const fail = failIn(file, MANIFEST_HINT);
  const manifest: Manifest = {
    id: doc.id,
    version: doc.version,
    description: doc.description,
    language: doc.language,
    layers: doc.layers ?? [],
    parameters: toParameters(doc.parameters ?? [], file, MANIFEST_HINT),
    features: doc.features ?? [],
    nextSteps: doc.nextSteps ?? [],
    defaults: doc.defaults ?? {},
    reservedNames: doc.reservedNames === undefined ? undefined : { names: new Set(doc.reservedNames.names), reason: doc.reservedNames.reason },
  };
  const features = new Set<string>();
  for (const f of manifest.features) {
    if (features.has(f.id)) fail('features', `declare ${JSON.stringify(f.id)} twice`);
    // Only earlier features may be required: no cycles, and their files render first.
    for (const required of f.requires ?? []) {
      if (!features.has(required))
        fail(`features (${f.id}).requires`, `names ${JSON.stringify(required)}, which is not a feature declared before ${JSON.stringify(f.id)}`);
    }
    features.add(f.id);
  }
  return manifest;
}

function toParameters(raw: RawParameter[], file: string, hint: string): Parameter[] {
  const fail = failIn(file, hint);
  const parameters = raw.map((p, i) => toParameter(p, `parameters[${i}] (${p.name})`, fail));
  const seen = new Set<string>(RESERVED_NAMES);
  for (const p of parameters) {
    if (seen.has(p.name)) fail('parameters', `declare ${JSON.stringify(p.name)} twice or use a reserved name (${RESERVED_NAMES.join(', ')})`);
    seen.add(p.name);
  }
  return parameters;
}

function toParameter(doc: RawParameter, at: string, fail: Fail): Parameter {
  const base: ParameterBase = { name: doc.name, prompt: doc.prompt ?? doc.name, secret: doc.secret ?? false, ask: doc.ask ?? 'always' };
  if (base.ask === 'never' && doc.default === undefined) fail(`${at}.ask`, 'is never, so the parameter needs a default (nothing would ever give it a value)');
  switch (doc.type) {
    case 'string': {
      const p: Parameter = { ...base, type: 'string', ...(doc.default === undefined ? {} : { default: doc.default }) };
      if (doc.pattern !== undefined) {
        try {
          new RegExp(doc.pattern, 'u');
        } catch (cause) {
          fail(`${at}.pattern`, `is not a valid regular expression: ${(cause as Error).message}`);
        }
        if (!doc.pattern.startsWith('^') || !doc.pattern.endsWith('$')) fail(`${at}.pattern`, 'must be anchored with ^ and $');
        p.pattern = doc.pattern;
        if (doc.patternHelp !== undefined) p.patternHelp = doc.patternHelp;
      }
      return p;
    }
    case 'boolean':
      return { ...base, type: 'boolean', ...(doc.default === undefined ? {} : { default: doc.default }) };
    case 'enum':
      if (doc.default !== undefined && !doc.values.includes(doc.default)) fail(`${at}.default`, `must be one of ${doc.values.join(', ')}`);
      return { ...base, type: 'enum', values: doc.values, ...(doc.default === undefined ? {} : { default: doc.default }) };
    case 'number':
      return {
        ...base,
        type: 'number',
        integer: doc.integer ?? true,
        ...(doc.min === undefined ? {} : { min: doc.min }),
        ...(doc.max === undefined ? {} : { max: doc.max }),
        ...(doc.default === undefined ? {} : { default: doc.default }),
      };
  }
}
