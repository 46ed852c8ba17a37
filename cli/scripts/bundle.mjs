#!/usr/bin/env node
// Build step: bundles the two commands (src/main.ts, src/paved.ts) into dist/bundle/ as ES
// modules that share chunks, so a plain scaffold loads neither Octokit nor the prompts.
//
// Node's built-in modules are then taken with `process.getBuiltinModule` (Node 20.16+) instead
// of `import`: importing one makes Node build an ES module facade that reads every export,
// and reading `fs.ReadStream` or `util.MIMEParams` loads the whole streams and MIME machinery
// (about a tenth of a scaffold on Node 26). The import statements esbuild writes for them are
// replaced with `const` declarations at the top of their chunk, where ES imports are hoisted
// anyway; the build fails if one is left over or cannot be rewritten. The banner gives the
// bundled CommonJS packages the `require` they expect.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const cli = fileURLToPath(new URL('..', import.meta.url));
const out = 'dist/bundle';
const BANNER = "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);";

/**
 * `import … from "node:x"` as esbuild writes it (minified or not): a default binding, a
 * namespace, named bindings, or a default with one of the other two.
 */
const BUILTIN_IMPORT = /import\s*([\w$]+)?\s*,?\s*(\*\s*as\s+[\w$]+|\{[^}]*\})?\s*from\s*"(node:[\w/]+)";?/g;

/** The same bindings as `const` declarations that take the module from Node directly. */
function asDeclarations(defaultName, rest, specifier) {
  const module = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
  const declarations = [];
  if (defaultName) declarations.push(`const ${defaultName}=${module};`);
  if (rest?.startsWith('*')) declarations.push(`const ${rest.replace(/^\*\s*as\s+/, '')}=${module};`);
  else if (rest) declarations.push(`const${rest.replace(/\s+as\s+/g, ':')}=${module};`);
  return declarations.join('');
}

function takeBuiltinsFromNode(text, path, expected) {
  const hoisted = [];
  const body = text.replace(BUILTIN_IMPORT, (_, defaultName, rest, specifier) => {
    if (!defaultName && !rest) throw new Error(`${path}: cannot rewrite a bare import of ${specifier}`);
    hoisted.push(asDeclarations(defaultName, rest, specifier));
    return '';
  });
  if (hoisted.length !== expected || /from\s*"node:/.test(body)) {
    throw new Error(`${path}: esbuild wrote ${expected} imports of Node built-ins, ${hoisted.length} were rewritten; update scripts/bundle.mjs`);
  }
  if (!body.startsWith(BANNER)) throw new Error(`${path}: the banner is not first`);
  return `${BANNER}\n${hoisted.join('')}${body.slice(BANNER.length)}`;
}

rmSync(`${cli}/${out}`, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: cli,
  entryPoints: ['src/main.ts', 'src/paved.ts'],
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  logLevel: 'warning',
  banner: { js: BANNER },
  metafile: true,
  write: false,
});
for (const file of result.outputFiles) {
  const path = relative(cli, file.path).split('\\').join('/');
  const builtins = (result.metafile.outputs[path]?.imports ?? []).filter((i) => i.kind === 'import-statement' && i.path.startsWith('node:'));
  const text = path.endsWith('.js') ? takeBuiltinsFromNode(file.text, path, builtins.length) : file.text;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, text);
}
