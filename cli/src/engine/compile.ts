import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Runtime from 'handlebars/runtime.js';

/** Every template is compiled with these: unknown names are errors, output is not HTML. */
export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

export type Renderer = ReturnType<typeof Runtime.create>;
export type CompiledTemplate = ReturnType<Renderer['template']>;
type TemplateSpec = Parameters<Renderer['template']>[0];
type Compiler = typeof import('handlebars');

/**
 * What the build step (scripts/precompile-templates.mjs) writes for the shipped templates:
 * dist/precompiled/<bucket>.cjs, a Map from a template source text to its compiled spec, one
 * bucket per template ("shared" for layers and partials) so a scaffold loads only its own, and
 * manifests.cjs, a Map from the text of each template.yaml / layer.yaml to its parsed document.
 * Keys are the full texts: a template edited after the build simply misses and is compiled.
 */
const PRECOMPILED_DIR = new URL('../precompiled/', import.meta.url);
const SHARED_BUCKET = 'shared';
const MANIFESTS_BUCKET = 'manifests';
// Plain CommonJS modules: cheaper to load than ES modules or JSON plus `new Function` per
// spec, and Node's compile cache (Node 22.1+) keeps their compiled template functions.
const loadCommonJs = createRequire(import.meta.url);
const buckets = new Map<string, ReadonlyMap<string, unknown>>();

function precompiledBucket(name: string): ReadonlyMap<string, unknown> {
  let bucket = buckets.get(name);
  if (bucket === undefined) {
    const file = fileURLToPath(new URL(`${name}.cjs`, PRECOMPILED_DIR));
    bucket = /^[a-z][a-z0-9-]*$/.test(name) && existsSync(file) ? (loadCommonJs(file) as ReadonlyMap<string, unknown>) : new Map();
    buckets.set(name, bucket);
  }
  return bucket;
}

/**
 * The bucket that holds a template text, from where it was read relative to the templates
 * folder: `_layers/…` and `_partials/…` are shared, `<template id>/…` is that template's.
 */
export function precompiledBucketOf(origin: string): string {
  const top = origin.split(/[\\/]/, 1)[0] ?? '';
  return top.startsWith('_') ? SHARED_BUCKET : top;
}

/** The build step's compiled spec of exactly this text, or undefined. */
export function precompiledSpec(text: string, origin: string): TemplateSpec | undefined {
  return precompiledBucket(precompiledBucketOf(origin)).get(text) as TemplateSpec | undefined;
}

/** A manifest parsed at build time, or undefined. */
export function precompiledYaml(text: string): unknown {
  return precompiledBucket(MANIFESTS_BUCKET).get(text);
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

/**
 * Compiles a template for the given runtime, or takes the shipped precompiled spec of the
 * same text. `origin` is where the text came from, relative to the templates folder. Parsing
 * and compiling Handlebars is most of a scaffold's work; only templates from elsewhere
 * (PAVED_TEMPLATES_DIR, an old release, an edit after the build) pay for it.
 */
export async function compileTemplate(hb: Renderer, text: string, origin: string): Promise<CompiledTemplate> {
  const shipped = precompiledSpec(text, origin);
  if (shipped !== undefined) return hb.template(shipped);
  // The same JavaScript the build step writes into the bucket modules, evaluated now: both
  // paths run through the same runtime, so they render identically.
  const spec = (await loadCompiler()).precompile(text, COMPILE_OPTIONS);
  return hb.template(new Function(`return ${spec}`)() as TemplateSpec);
}
