#!/usr/bin/env node
// Build step: compiles the JSON Schemas of src/engine/schemas.ts with ajv into plain validation
// functions (ajv's standalone code), written to src/engine/schema-validators.generated.ts, so
// create-service checks its YAML files with ajv's rules without loading ajv's compiler at run
// time (loading and compiling took about 100 ms, most of a scaffold). Also writes the schemas
// editors read: templates/_schemas/template.schema.json and layer.schema.json (every
// template.yaml and layer.yaml names them) and dist/answers.schema.json.
//
//   node scripts/compile-schemas.mjs           (after tsc: it reads dist/engine/schemas.js)
//   node scripts/compile-schemas.mjs --check   exit 1 when a written file would change
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { SCHEMAS } from '../dist/engine/schemas.js';
import { schemaAjv } from '@paved/frame/schema';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const check = process.argv.includes('--check');

const ajv = schemaAjv({ code: { source: true, esm: true } });
for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
let code = standaloneCode.default(
  ajv,
  Object.fromEntries(Object.entries(SCHEMAS).map(([name, schema]) => [name, schema.$id])),
);
// ajv's standalone code takes its run-time helpers (e.g. ucs2length, for string lengths in
// characters) with require(); create-service ships no node_modules, so they become imports the
// bundle carries. A CommonJS module's `default` export arrives as the module under Node and
// as the export itself under some loaders: take whichever holds the function.
const helpers = new Map();
code = code.replace(/require\("(ajv\/dist\/runtime\/\w+)"\)\.default/g, (_, module) => {
  if (!helpers.has(module)) helpers.set(module, `runtime${helpers.size}`);
  return helpers.get(module);
});
if (/require\(/.test(code)) throw new Error('ajv standalone code has a require() this script does not rewrite');
const header = [
  '// @ts-nocheck',
  '// Written by cli/scripts/compile-schemas.mjs from src/engine/schemas.ts with ajv; do not edit.',
  ...[...helpers].flatMap(([module, name]) => [`import * as ${name}Module from '${module}.js';`, `const ${name} = ${name}Module.default?.default ?? ${name}Module.default;`]),
  '',
].join('\n');
const source = `${header}${code.replace(/^"use strict";/, '')}\n`;

const outputs = [
  [at('../src/engine/schema-validators.generated.ts'), source],
  // what tsc would emit for it (the same code: it has no types), so this build's later steps,
  // which run dist/, use these validators and not the previous build's
  [at('../dist/engine/schema-validators.generated.js'), source],
  [at('../../templates/_schemas/template.schema.json'), `${JSON.stringify(SCHEMAS.manifest, null, 2)}\n`],
  [at('../../templates/_schemas/layer.schema.json'), `${JSON.stringify(SCHEMAS.layer, null, 2)}\n`],
  [at('../dist/answers.schema.json'), `${JSON.stringify(SCHEMAS.answers, null, 2)}\n`],
];
let stale = 0;
for (const [file, text] of outputs) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    console.error(`${file} is out of date: run npm run build (it runs cli/scripts/compile-schemas.mjs)`);
    stale++;
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
process.exitCode = stale > 0 ? 1 : 0;
