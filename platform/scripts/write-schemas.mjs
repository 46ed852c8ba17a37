#!/usr/bin/env node
// Writes schemas/platform.schema.json and schemas/team.schema.json from the schemas the loader
// checks with (src/config/files.ts, built into dist/), so what editors check is what `paved
// platform check` checks. platform/test/schemas.test.ts fails when these files are stale.
//   npm run build && node platform/scripts/write-schemas.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { platformSchema, teamSchema } from '../dist/config/files.js';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const schema of [platformSchema, teamSchema]) {
  writeFileSync(`${dir}${schema.$id}`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${schema.$id}`);
}
