// Synchronous reads on purpose: a CLI that reads ~100 small files is faster without a
// thread-pool round trip per file, and nothing else runs while it renders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PavedError } from '@paved/frame';
import { PAVED_VERSION } from '../version.js';
import type { Answers } from './answer-rules.js';
import type { Template } from './catalog.js';
import type { FileTree } from './file-tree.js';
import { compileTemplate, createRuntime, type Renderer } from './compile.js';
import { caseHelpers, logicHelpers, quoteHelpers } from './helpers.js';
import { resolvePavedRef } from './paved-ref.js';

const RENDERED_SUFFIX = '.hbs';

/**
 * Dotfiles npm drops from every package it packs, stored under another name in templates and
 * given their real name on render (as create-vite does), so the published CLI generates them.
 */
const PACKED_NAMES: Readonly<Record<string, string>> = { _gitignore: '.gitignore', _npmrc: '.npmrc' };

/** The file's real name when the template stores it under a name that survives packing. */
function unpackedName(path: string): string {
  const slash = path.lastIndexOf('/');
  const real = PACKED_NAMES[path.slice(slash + 1)];
  return real === undefined ? path : `${path.slice(0, slash + 1)}${real}`;
}
/** Left behind by working on a template by hand; never part of a generated service. */
const IGNORED = new Set(['node_modules', '__pycache__', '.pytest_cache', '.ruff_cache', '.mypy_cache', '.venv', '.DS_Store']);

/**
 * `paved.ref` as templates read it, resolved before a render so that reading it stays
 * synchronous; when it cannot be resolved, only a template that reads it fails, with why.
 */
export type PavedRefLookup = () => string;

export async function pavedRefLookup(env: NodeJS.ProcessEnv = process.env): Promise<PavedRefLookup> {
  try {
    const ref = await resolvePavedRef(env);
    return () => ref;
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** The values a template sees; documented in templates/README.md. */
export function renderContext(template: Template, answers: Answers, pavedRef: PavedRefLookup): Record<string, unknown> {
  const features: Record<string, boolean> = {};
  for (const f of template.manifest.features) features[f.id] = answers.features.includes(f.id);
  return {
    ...answers.values,
    name: answers.name,
    team: answers.team,
    features,
    // Shared layers cannot name a template's features (strict lookups would fail for templates
    // without them), so they ask with {{#if (includes enabledFeatures "postgres")}}.
    enabledFeatures: [...answers.features],
    template: { id: template.manifest.id, version: template.manifest.version, language: template.manifest.language },
    paved: {
      version: PAVED_VERSION,
      get ref(): string {
        return pavedRef();
      },
    },
  };
}

/** A Handlebars instance of our own: strict, no HTML escaping, our helpers and the shared partials. */
export function createRenderer(root: string): Promise<Renderer> {
  // One per templates folder and process: creating one registers every partial.
  let renderer = renderers.get(root);
  if (renderer === undefined) {
    renderer = buildRenderer(root);
    renderers.set(root, renderer);
  }
  return renderer;
}

const renderers = new Map<string, Promise<Renderer>>();

async function buildRenderer(root: string): Promise<Renderer> {
  const hb = createRuntime();
  hb.registerHelper({ ...caseHelpers, ...quoteHelpers, ...logicHelpers });
  // Strict mode only covers paths like {{a.b}}: a bare {{nope}} could be a helper call, and
  // Handlebars renders it as '' through helperMissing. Make that an error too.
  hb.registerHelper('helperMissing', (...args: unknown[]) => {
    const options = args[args.length - 1] as { name?: string };
    throw new Error(`"${options.name ?? '?'}" not defined (no such variable or helper)`);
  });
  const partialsDir = join(root, '_partials');
  for (const path of listFiles(partialsDir)) {
    if (!path.endsWith(RENDERED_SUFFIX)) continue;
    const name = path.slice(0, -RENDERED_SUFFIX.length);
    hb.registerPartial(name, await compileTemplate(hb, readFileSync(join(partialsDir, path), 'utf8'), `_partials/${path}`));
  }
  return hb;
}

/**
 * Renders a template into an in-memory tree: layers first, then the template's files, then
 * each enabled feature, a later source replacing a file at the same path.
 */
export async function renderTemplate(template: Template, answers: Answers, env: NodeJS.ProcessEnv = process.env): Promise<FileTree> {
  const { manifest, dir, root } = template;
  // Started first: git answers while the renderer is built.
  const pavedRef = pavedRefLookup(env);
  const hb = await createRenderer(root);
  const context = strictContext(renderContext(template, answers, await pavedRef));
  const sources = [
    ...manifest.layers.map((layer) => join(root, '_layers', layer, 'files')),
    join(dir, 'files'),
    ...answers.features.map((feature) => join(dir, 'features', feature)),
  ];
  const tree: FileTree = new Map();
  for (const source of sources) {
    // Paths built by concatenation: listFiles gives clean relative POSIX paths, and the path
    // module's normalising costs more than the rest of a small file's handling.
    const sourceOrigin = relative(root, source).split(sep).join('/');
    for (const path of listFiles(source)) {
      const origin = `${sourceOrigin}/${path}`;
      const rendersContents = path.endsWith(RENDERED_SUFFIX);
      const outPath = await renderPath(hb, rendersContents ? path.slice(0, -RENDERED_SUFFIX.length) : path, context, origin);
      if (outPath === undefined) continue;
      const target = unpackedName(outPath);
      const { raw, mode } = readSource(`${source}/${path}`);
      let contents = raw;
      if (rendersContents) {
        const text = await renderText(hb, raw.toString('utf8'), context, origin);
        if (text.trim() === '') {
          tree.delete(target);
          continue;
        }
        contents = Buffer.from(text, 'utf8');
      }
      tree.set(target, { contents, mode });
    }
  }
  return tree;
}

/**
 * Handlebars' strict mode misses lookups made as helper arguments ({{#if features.typo}},
 * {{yaml typo}}) and renders them as undefined. Reading the context through this proxy makes
 * every unknown name an error, wherever it appears.
 */
export function strictContext<T extends object>(value: T, path = ''): T {
  if (STRICT.has(value)) return value;
  // Nested objects get their proxy once: templates read the same names thousands of times.
  const nested = new Map<string, object>();
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) throw new Error(`"${path}${key}" not defined`);
      const found: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !isPlainObject(found)) return found;
      let proxy = nested.get(key);
      if (proxy === undefined) {
        proxy = strictContext(found, `${path}${key}.`);
        nested.set(key, proxy);
      }
      return proxy;
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && !(key in target)) throw new Error(`"${path}${key}" not defined`);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  STRICT.add(proxy);
  return proxy;
}

/** Contexts already wrapped, so wrapping again (per file, per call) costs nothing. */
const STRICT = new WeakSet<object>();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Renders template text with strict lookups; errors name the template file. */
export async function renderText(hb: Renderer, text: string, context: Record<string, unknown>, origin: string): Promise<string> {
  try {
    return (await compileTemplate(hb, text, origin))(strictContext(context));
  } catch (cause) {
    throw new PavedError(`cannot render ${origin}: ${(cause as Error).message}`, {
      cause,
      hint: 'every variable a template uses must be a parameter, name, team, features.<id>, template.* or paved.*',
    });
  }
}

/** Renders each path segment; undefined when a segment comes out empty (a conditional file). */
async function renderPath(hb: Renderer, path: string, context: Record<string, unknown>, origin: string): Promise<string | undefined> {
  if (!path.includes('{{')) return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) segments.push(segment.includes('{{') ? (await renderText(hb, segment, context, origin)).trim() : segment);
  if (segments.some((s) => s === '')) return undefined;
  for (const s of segments) {
    if (s === '.' || s === '..' || s.includes('\\') || s.includes('/')) {
      throw new PavedError(`${origin}: the path renders to ${JSON.stringify(segments.join('/'))}, which leaves the service folder`);
    }
  }
  return segments.join('/');
}

/** Every regular file below `dir` as a sorted POSIX path relative to it (none when `dir` does not exist); links are refused so a template cannot point outside itself. */
function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && current === dir) return;
      throw error;
    }
    for (const entry of entries) {
      if (IGNORED.has(entry.name)) continue;
      const full = `${current}${sep}${entry.name}`;
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) found.push(`${prefix}${entry.name}`);
      else throw new PavedError(`${full} is not a regular file or folder (links are not allowed in templates)`);
    }
  };
  walk(dir, '');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A template file's bytes and whether it is executable (generated as 0755, else 0644). */
function readSource(file: string): { raw: Buffer; mode: number } {
  return { raw: readFileSync(file), mode: statSync(file).mode & 0o111 ? 0o755 : 0o644 };
}
