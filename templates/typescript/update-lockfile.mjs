#!/usr/bin/env node
// Regenerates files/package-lock.json.hbs so that `npm ci` works in every generated service,
// whichever features are on. Run it with the service's Node (see files/.nvmrc) after
// changing files/package.json.hbs:   node templates/typescript/update-lockfile.mjs
//
// How: render package.json with no feature and with each feature alone, let npm resolve a
// lock file for each, then merge them: entries only a feature needs are wrapped in
// {{#if features.<id>}} (and listed first, so the JSON commas stay right whatever is on).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = YAML.parse(readFileSync(path.join(here, 'template.yaml'), 'utf8'));
const packageTemplate = readFileSync(path.join(here, 'files/package.json.hbs'), 'utf8');
const npmrc = readFileSync(path.join(here, 'files/.npmrc'), 'utf8');
const NAME = 'paved-lockfile-placeholder';
const featureIds = (manifest.features ?? []).map((feature) => feature.id);

function lockFor(enabled) {
  const features = Object.fromEntries(featureIds.map((id) => [id, id === enabled]));
  const hbs = Handlebars.create();
  hbs.registerHelper('json', (value) => JSON.stringify(value));
  const json = hbs.compile(packageTemplate, { strict: true, noEscape: true })({
    name: NAME,
    description: 'placeholder',
    features,
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'paved-lock-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), json);
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
      throw new Error(`feature ${id} resolves ${key} differently from the base; align the ranges`);
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
  out.push(`    ${JSON.stringify(key)}: ${indent(JSON.stringify(entry, null, 2), 4)}${index === shared.length - 1 ? '' : ','}`);
});
out.push('  }', '}', '');
const text = out.join('\n');
if (/\{\{(?!json name\}\}|#if features\.|\/if\}\})/.test(text) || text.includes(NAME)) {
  throw new Error('a resolved package carries "{{" or the placeholder name; it would break rendering');
}
writeFileSync(path.join(here, 'files/package-lock.json.hbs'), text);
console.log(`wrote package-lock.json.hbs: ${shared.length} shared packages, ${conditional.size} feature-only`);
