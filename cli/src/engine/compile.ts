import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Runtime from 'handlebars/runtime.js';

/** Every template is compiled with these: unknown names are errors, output is not HTML. */
export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

export type Renderer = ReturnType<typeof Runtime.create>;
export type CompiledTemplate = ReturnType<Renderer['template']>;
type Compiler = typeof import('handlebars');

/** Content-addressed: a key changes with the text and with the Handlebars release. */
export function precompiledKey(text: string): string {
  return createHash('sha1').update(Runtime.VERSION).update('\0').update(text).digest('hex');
}

/**
 * What the build step (scripts/precompile-templates.mjs) writes for the shipped templates:
 * dist/precompiled/index.json says which bucket (a template id, or "shared" for layers and
 * partials) holds each spec, so a scaffold reads only its own template's specs.
 */
interface PrecompiledIndex {
  /** Bucket by precompiledKey of the template text. */
  specs: Record<string, string>;
  /** Parsed template.yaml / layer.yaml documents by precompiledKey of the file text. */
  yaml: Record<string, unknown>;
}

const PRECOMPILED_DIR = new URL('../precompiled/', import.meta.url);
let index: PrecompiledIndex | undefined;
const buckets = new Map<string, Record<string, string>>();

function readJson<T>(url: URL, fallback: T): T {
  return existsSync(url) ? (JSON.parse(readFileSync(url, 'utf8')) as T) : fallback;
}

/**
 * The build products for the templates shipped with the package. Parsing and compiling
 * Handlebars and YAML is most of a scaffold's run time; loading a precompiled spec costs
 * microseconds. Templates from elsewhere (PAVED_TEMPLATES_DIR, an old release) are compiled
 * as usual, with the compiler loaded only then.
 */
function precompiledIndex(): PrecompiledIndex {
  index ??= readJson<PrecompiledIndex>(new URL('index.json', PRECOMPILED_DIR), { specs: {}, yaml: {} });
  return index;
}

/** A manifest parsed at build time, or undefined. */
export function precompiledYaml(text: string): unknown {
  return precompiledIndex().yaml[precompiledKey(text)];
}

function precompiledSpec(text: string): string | undefined {
  const key = precompiledKey(text);
  const bucket = precompiledIndex().specs[key];
  if (bucket === undefined) return undefined;
  let specs = buckets.get(bucket);
  if (specs === undefined) {
    specs = readJson<Record<string, string>>(new URL(`${bucket}.json`, PRECOMPILED_DIR), {});
    buckets.set(bucket, specs);
  }
  return specs[key];
}

let compiler: Promise<Compiler> | undefined;

/** The Handlebars compiler (parser, code generator, source maps): loaded on first need only. */
export function loadCompiler(): Promise<Compiler> {
  // Bundled, the CommonJS build arrives as a default export; under plain Node it is one too.
  compiler ??= import('handlebars').then((m) => (m as unknown as { default: Compiler }).default ?? (m as unknown as Compiler));
  return compiler;
}

export function createRuntime(): Renderer {
  return Runtime.create();
}

/** Compiles (or loads the shipped precompiled spec of) a template for the given runtime. */
export async function compileTemplate(hb: Renderer, text: string): Promise<CompiledTemplate> {
  const spec = precompiledSpec(text) ?? (await loadCompiler()).precompile(text, COMPILE_OPTIONS);
  // The spec is the JavaScript Handlebars.precompile generated from a template; both paths
  // (shipped or compiled now) run through the same runtime, so they render identically.
  return hb.template(new Function(`return ${spec}`)() as Parameters<Renderer['template']>[0]);
}
