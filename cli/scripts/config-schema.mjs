#!/usr/bin/env node
// Build step: writes dist/paved-config.schema.json, the JSON Schema of paved.config.yaml (the
// organisation's settings create-service reads, see src/org-config.ts), from the templates'
// own parameter declarations, so editors complete and check exactly what create-service
// accepts. A file starts with:
//   # yaml-language-server: $schema=./node_modules/create-service/dist/paved-config.schema.json
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listTemplates, NAME_MAX, NAME_PATTERN, templatesRoot } from '../dist/engine/index.js';

const out = fileURLToPath(new URL('../dist/paved-config.schema.json', import.meta.url));

/** One parameter's value as JSON Schema. */
function schemaOf(p) {
  const base = { description: p.prompt };
  switch (p.type) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, enum: p.values };
    case 'number':
      return { ...base, type: p.integer ? 'integer' : 'number', ...(p.min === undefined ? {} : { minimum: p.min }), ...(p.max === undefined ? {} : { maximum: p.max }) };
    case 'string':
      return { ...base, type: 'string', ...(p.pattern === undefined ? {} : { pattern: p.pattern }), maxLength: 1000 };
  }
}

const properties = {
  team: { description: 'Owning team offered by default (a lowercase DNS label)', type: 'string', pattern: NAME_PATTERN.source, maxLength: NAME_MAX.team },
};
for (const template of await listTemplates(templatesRoot({}))) {
  for (const p of template.manifest.parameters) {
    if (p.secret) continue; // never kept in a file
    const schema = schemaOf(p);
    const known = properties[p.name];
    // Templates that declare one name differently (e.g. another default port range) accept either.
    if (known === undefined) properties[p.name] = schema;
    else if (JSON.stringify(known) !== JSON.stringify(schema) && !(known.anyOf ?? []).some((s) => JSON.stringify(s) === JSON.stringify(schema)))
      properties[p.name] = { anyOf: [...(known.anyOf ?? [known]), schema] };
  }
}

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'paved-config.schema.json',
  title: 'paved.config.yaml',
  description: "The organisation's settings for create-service: default values of template parameters (the GitHub organisation, the organisation's copy of Paved, default memory ...) and a default team. Looked up from the folder a service is created in upwards, then in ~/.config/paved/config.yaml; a command-line flag wins over both.",
  type: 'object',
  additionalProperties: false,
  properties: {
    defaults: { description: 'Values by parameter name; `create-service --list-templates` lists the parameters', type: 'object', additionalProperties: false, properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))) },
  },
};
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${out} (${Object.keys(properties).length} settings)`);
