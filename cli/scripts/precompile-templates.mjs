#!/usr/bin/env node
// Build step: precompiles every Handlebars source in templates/ (file contents, templated path
// segments, next steps) and parses every template.yaml / layer.yaml into
// dist/templates.precompiled.json, keyed by content hash, so scaffolding the shipped templates
// skips the Handlebars compiler and the YAML parser. See cli/src/engine/compile.ts.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { COMPILE_OPTIONS, precompiledKey } from '../dist/engine/compile.js';
import { templatesRoot } from '../dist/engine/catalog.js';

const root = templatesRoot({});
const out = fileURLToPath(new URL('../dist/templates.precompiled.json', import.meta.url));
const specs = {};
const yaml = {};
const add = (text) => {
  specs[precompiledKey(text)] ??= Handlebars.precompile(text, COMPILE_OPTIONS);
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
      yaml[precompiledKey(text)] = doc;
      for (const step of doc?.nextSteps ?? []) add(step);
    }
  }
};
walk(root);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify({ specs, yaml }));
console.log(`precompiled ${Object.keys(specs).length} templates and ${Object.keys(yaml).length} manifests from ${root}`);
