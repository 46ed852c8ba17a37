#!/usr/bin/env node
// Keeps template versions moving with template content, so `paved update` always has a
// version to offer a service for a change it has not taken. templates/versions.json records,
// per template, its version and a fingerprint of everything it renders from: its own folder,
// the layers its template.yaml names and the shared partials (the `version:` line itself
// excluded).
//
//   node scripts/template-versions.mjs --check    exit 1, naming each template whose files
//                                                 changed since its version was recorded
//   node scripts/template-versions.mjs            record the fingerprints; refuses (exit 1)
//                                                 for a changed template whose version was
//                                                 not bumped
//   --templates <dir>                             another templates folder (tests use a copy)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const { values } = parseArgs({ options: { check: { type: 'boolean' }, templates: { type: 'string' } } });
const root = values.templates ?? fileURLToPath(new URL('../templates', import.meta.url));
const recordPath = join(root, 'versions.json');
const VERSION_LINE = /^version:.*$/m;

/** Every file below dir, sorted, as POSIX paths relative to the templates folder. */
function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function fingerprint(id) {
  const manifest = readFileSync(join(root, id, 'template.yaml'), 'utf8');
  const layers = parse(manifest).layers ?? [];
  const files = [...filesBelow(join(root, id)), ...layers.flatMap((layer) => filesBelow(join(root, '_layers', layer))), ...filesBelow(join(root, '_partials'))];
  const hash = createHash('sha256');
  for (const file of files) {
    const contents = readFileSync(join(root, file));
    // The version is what this fingerprint guards; it must not change the fingerprint itself.
    const hashed = file === `${id}/template.yaml` ? Buffer.from(contents.toString('utf8').replace(VERSION_LINE, 'version:')) : contents;
    hash.update(`${file}\0${hashed.length}\0`).update(hashed);
  }
  return { version: parse(manifest).version, fingerprint: `sha256:${hash.digest('hex')}` };
}

const ids = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .sort();
let recorded = {};
try {
  recorded = JSON.parse(readFileSync(recordPath, 'utf8'));
} catch {
  // No record yet: every template counts as changed.
}
const current = Object.fromEntries(ids.map((id) => [id, fingerprint(id)]));

const problems = [];
for (const id of ids) {
  const before = recorded[id];
  const now = current[id];
  if (before?.fingerprint === now.fingerprint) {
    if (before.version !== now.version) problems.push(`templates/${id}: version ${now.version} in template.yaml, but ${before.version} was recorded for the same files; record it: node scripts/template-versions.mjs`);
    continue;
  }
  if (before && before.version === now.version)
    problems.push(`templates/${id} changed since version ${now.version} was recorded: bump version in templates/${id}/template.yaml (patch for a fix, minor for something new, major when services must act), then run: node scripts/template-versions.mjs`);
  else if (values.check) problems.push(`templates/${id} is version ${now.version}, which is not recorded yet; run: node scripts/template-versions.mjs`);
}
for (const id of Object.keys(recorded)) if (!ids.includes(id)) problems.push(`templates/${id} is recorded but no longer exists; run: node scripts/template-versions.mjs`);

const refusals = values.check ? problems : problems.filter((problem) => problem.includes(' changed since '));
if (refusals.length > 0) {
  for (const problem of refusals) process.stderr.write(`template-versions: ${problem}\n`);
  process.exit(1);
}
if (!values.check) {
  writeFileSync(recordPath, `${JSON.stringify(current, null, 2)}\n`);
  process.stdout.write(`recorded ${ids.map((id) => `${id} ${current[id].version}`).join(', ')} in ${relative(process.cwd(), recordPath) || recordPath}\n`);
}
