#!/usr/bin/env node
// Build step: precompiles every Handlebars source in templates/ (file contents, templated path
// segments, next steps) and parses every template.yaml / layer.yaml into dist/precompiled/,
// keyed by content hash, so scaffolding the shipped templates skips the Handlebars compiler
// and the YAML parser. One file per template (layers and partials in shared.json) plus an
// index, so a scaffold reads only what it renders. See cli/src/engine/compile.ts.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { COMPILE_OPTIONS, precompiledKey } from '../dist/engine/compile.js';
import { templatesRoot } from '../dist/engine/catalog.js';

const root = templatesRoot({});
const out = fileURLToPath(new URL('../dist/precompiled/', import.meta.url));
const index = { specs: {}, yaml: {} };
const buckets = {};
let bucket = 'shared';
const add = (text) => {
  const key = precompiledKey(text);
  if (index.specs[key] !== undefined) return;
  index.specs[key] = bucket;
  (buckets[bucket] ??= {})[key] = Handlebars.precompile(text, COMPILE_OPTIONS);
};
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === 'node_modules') continue;
      walk(full);
      continue;
    }
    for (const segment of relative(root, full).split('/')) if (segment.includes('{{')) add(segment.replace(/\.hbs$/, ''));
    if (name.endsWith('.hbs')) add(readFileSync(full, 'utf8'));
    if (name === 'template.yaml' || name === 'layer.yaml') {
      const text = readFileSync(full, 'utf8');
      const doc = parse(text);
      index.yaml[precompiledKey(text)] = doc;
      for (const step of doc?.nextSteps ?? []) add(step);
    }
  }
};
for (const top of readdirSync(root).sort((a, b) => Number(b.startsWith('_')) - Number(a.startsWith('_')))) {
  if (!statSync(join(root, top)).isDirectory()) continue;
  // Shared parts first, so a text that is both shared and a template's lands in shared.json.
  bucket = top.startsWith('_') ? 'shared' : top;
  walk(join(root, top));
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'index.json'), JSON.stringify(index));
for (const [name, specs] of Object.entries(buckets)) writeFileSync(join(out, `${name}.json`), JSON.stringify(specs));
console.log(`precompiled ${Object.keys(index.specs).length} templates and ${Object.keys(index.yaml).length} manifests from ${root}`);
