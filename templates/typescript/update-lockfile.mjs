#!/usr/bin/env node
// Regenerates files/package-lock.json.hbs so that `npm ci` works in every generated service,
// whichever features are on. Run it with the service's Node (see files/.nvmrc) after
// changing files/package.json.hbs:   node templates/typescript/update-lockfile.mjs
//
// How: render package.json with no feature and with each feature alone, let npm resolve a
// lock file for each, then merge them: entries only a feature needs are wrapped in
// {{#if features.<id>}} (and listed first, so the JSON commas stay right whatever is on); a
// shared entry a feature changes (only its flags can: a feature's optional peer dependency turns
// a "dev" package "devOptional") is written both ways, {{#if features.<id>}} … {{else}} … {{/if}}.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = YAML.parse(readFileSync(path.join(here, 'template.yaml'), 'utf8'));
const packageTemplate = readFileSync(path.join(here, 'files/package.json.hbs'), 'utf8');
const npmrc = readFileSync(path.join(here, 'files/_npmrc') /* written as .npmrc */, 'utf8');
const NAME = 'paved-lockfile-placeholder';
const featureIds = (manifest.features ?? []).map((feature) => feature.id);

// The current lock, rendered for the same features, is npm's starting point: what it pins stays
// pinned, and only what package.json.hbs added (or no longer allows) is resolved anew. Without
// it every run would move every package to its newest matching version.
const lockPath = path.join(here, 'files/package-lock.json.hbs');
const currentLock = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : undefined;

function lockFor(enabled) {
  const features = Object.fromEntries(featureIds.map((id) => [id, id === enabled]));
  const hbs = Handlebars.create();
  hbs.registerHelper('json', (value) => JSON.stringify(value));
  const render = (template) => hbs.compile(template, { strict: true, noEscape: true })({ name: NAME, description: 'placeholder', features });
  const dir = mkdtempSync(path.join(tmpdir(), 'paved-lock-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), render(packageTemplate));
    if (currentLock !== undefined) writeFileSync(path.join(dir, 'package-lock.json'), render(currentLock));
    writeFileSync(path.join(dir, '.npmrc'), npmrc);
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = lockFor(undefined);
const conditional = new Map(); // package path -> { feature, entry }
const variants = new Map(); // package path of a shared entry -> { feature, entry } as that feature resolves it
const conditionalRootDeps = []; // [feature, field, name, range]
for (const id of featureIds) {
  const lock = lockFor(id);
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '') continue;
    const shared = base.packages[key];
    if (shared === undefined) {
      if (conditional.has(key)) throw new Error(`${key} is needed by two features; teach this script to combine them`);
      conditional.set(key, { feature: id, entry });
    } else if (JSON.stringify(shared) !== JSON.stringify(entry)) {
      const { dev, devOptional, optional, peer, ...rest } = entry;
      const { dev: _d, devOptional: _do, optional: _o, peer: _p, ...sharedRest } = shared;
      if (JSON.stringify(rest) !== JSON.stringify(sharedRest)) {
        throw new Error(`feature ${id} resolves ${key} differently from the base; align the ranges`);
      }
      if (variants.has(key)) throw new Error(`${key} is flagged differently by two features; teach this script to combine them`);
      variants.set(key, { feature: id, entry });
    }
  }
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(lock.packages[''][field] ?? {})) {
      if (base.packages[''][field]?.[name] === undefined) conditionalRootDeps.push([id, field, name, range]);
    }
  }
}

const out = [];
const indent = (text, spaces) => text.split('\n').join(`\n${' '.repeat(spaces)}`);
const root = base.packages[''];
out.push('{', `  "name": {{json name}},`, `  "version": ${JSON.stringify(base.version)},`);
out.push(`  "lockfileVersion": ${base.lockfileVersion},`, '  "requires": true,', '  "packages": {', '    "": {');
const rootFields = Object.entries(root).filter(([field]) => field !== 'name');
out.push('      "name": {{json name}},');
rootFields.forEach(([field, value], index) => {
  const comma = index === rootFields.length - 1 ? '' : ',';
  if (field === 'dependencies' || field === 'devDependencies') {
    out.push(`      ${JSON.stringify(field)}: {`);
    for (const [id, f, name, range] of conditionalRootDeps) {
      if (f === field) out.push(`{{#if features.${id}}}`, `        ${JSON.stringify(name)}: ${JSON.stringify(range)},`, '{{/if}}');
    }
    const entries = Object.entries(value);
    entries.forEach(([name, range], i) => {
      out.push(`        ${JSON.stringify(name)}: ${JSON.stringify(range)}${i === entries.length - 1 ? '' : ','}`);
    });
    out.push(`      }${comma}`);
  } else {
    out.push(`      ${JSON.stringify(field)}: ${indent(JSON.stringify(value, null, 2), 6)}${comma}`);
  }
});
out.push('    },');
for (const [key, { feature, entry }] of conditional) {
  out.push(`{{#if features.${feature}}}`, `    ${JSON.stringify(key)}: ${indent(JSON.stringify(entry, null, 2), 4)},`, '{{/if}}');
}
const shared = Object.entries(base.packages).filter(([key]) => key !== '');
shared.forEach(([key, entry], index) => {
  const line = (value) => `    ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), 4)}${index === shared.length - 1 ? '' : ','}`;
  const variant = variants.get(key);
  if (variant === undefined) out.push(line(entry));
  else out.push(`{{#if features.${variant.feature}}}`, line(variant.entry), '{{else}}', line(entry), '{{/if}}');
});
out.push('  }', '}', '');
const text = out.join('\n');
if (/\{\{(?!json name\}\}|#if features\.|else\}\}|\/if\}\})/.test(text) || text.includes(NAME)) {
  throw new Error('a resolved package carries "{{" or the placeholder name; it would break rendering');
}
writeFileSync(lockPath, text);
console.log(`wrote package-lock.json.hbs: ${shared.length} shared packages (${variants.size} flagged by a feature), ${conditional.size} feature-only`);
