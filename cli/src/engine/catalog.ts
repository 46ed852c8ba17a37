import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PavedError, UsageError } from '@paved/frame';
import { checkValue } from './answer-rules.js';
import { readLayerParameters, readManifest, type Parameter, type Template } from './manifest.js';

export type { Template } from './manifest.js';

/**
 * Where the templates are: `PAVED_TEMPLATES_DIR` when set (a platform team's own fork of
 * the templates, or an old release checked out for `update`), else the copy shipped in the
 * package (`cli/templates` once packed), else the repository's `templates/`.
 */
export function templatesRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAVED_TEMPLATES_DIR) return resolve(env.PAVED_TEMPLATES_DIR);
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const candidate of [join(here, '..', '..', 'templates'), join(here, '..', '..', '..', 'templates')]) {
    if (existsSync(join(candidate, '_layers')) || existsSync(join(candidate, 'README.md'))) return candidate;
  }
  throw new PavedError('cannot find the templates folder next to create-service', {
    hint: 'set PAVED_TEMPLATES_DIR to the folder that holds the templates',
  });
}

/** Every template under `root`, sorted by id. Folders starting with `_` or `.` are shared parts. */
export async function listTemplates(root: string): Promise<Template[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.'))
    .filter((e) => existsSync(join(root, e.name, 'template.yaml')))
    .map((e) => e.name)
    .sort();
  return Promise.all(dirs.map((id) => loadTemplateFrom(root, id)));
}

/** Loads one template by id; an unknown id is a usage error that lists the known ones. */
export async function loadTemplate(id: string, root: string = templatesRoot()): Promise<Template> {
  if (!/^[a-z][a-z0-9-]*$/.test(id) || !existsSync(join(root, id, 'template.yaml'))) {
    const known = (await listTemplates(root)).map((t) => t.manifest.id);
    throw new UsageError(
      `unknown template ${JSON.stringify(id)}; available: ${known.join(', ') || '(none)'}`,
      'run `create-service --list-templates` to see them with descriptions',
    );
  }
  return loadTemplateFrom(root, id);
}

async function loadTemplateFrom(root: string, id: string): Promise<Template> {
  const dir = join(root, id);
  const manifest = await readManifest(dir);
  if (manifest.id !== id) {
    throw new PavedError(`${join(dir, 'template.yaml')}: id is ${JSON.stringify(manifest.id)} but the folder is ${JSON.stringify(id)}; they must match`);
  }
  const fromLayers = new Map<string, { layer: string; parameter: Parameter }>();
  for (const layer of manifest.layers) {
    const layerDir = join(root, '_layers', layer);
    if (!existsSync(layerDir)) {
      throw new PavedError(`${join(dir, 'template.yaml')}: layer ${JSON.stringify(layer)} does not exist under ${join(root, '_layers')}`);
    }
    for (const parameter of await readLayerParameters(layerDir)) {
      const earlier = fromLayers.get(parameter.name);
      if (earlier) {
        throw new PavedError(`layers ${earlier.layer} and ${layer} both declare the parameter ${JSON.stringify(parameter.name)}; declare it in one of them`);
      }
      fromLayers.set(parameter.name, { layer, parameter });
    }
  }
  // The layers' parameters come first (they are the ones every template shares); a template
  // may redeclare one to change it, e.g. a different default port.
  const own = new Map(manifest.parameters.map((p) => [p.name, p]));
  const parameters = [
    ...[...fromLayers.values()].map(({ parameter }) => own.get(parameter.name) ?? parameter),
    ...manifest.parameters.filter((p) => !fromLayers.has(p.name)),
  ];
  for (const [name, value] of Object.entries(manifest.defaults)) {
    const index = parameters.findIndex((p) => p.name === name);
    const declared = parameters[index];
    if (declared === undefined) {
      throw new PavedError(`${join(dir, 'template.yaml')}: defaults.${name} names no parameter of the template or its layers`);
    }
    const checked = checkValue(declared, value);
    if (typeof checked === 'string') throw new PavedError(`${join(dir, 'template.yaml')}: defaults.${name}: ${checked}`);
    parameters[index] = { ...declared, default: checked.value } as Parameter;
  }
  return { manifest: { ...manifest, parameters }, dir, root };
}
