/**
 * Reads a YAML file a person writes (a template's manifest, a layer file, a service's answers
 * file, paved.config.yaml) and checks it against its schema: the value, or one error that lists
 * every problem at file:line:column with what to do.
 */
import { readFileSync, statSync } from 'node:fs';
import { PavedError, UsageError } from '@paved/frame';
import { precompiledYaml } from './compile.js';
import { schemaProblems, type SchemaName } from './schema-check.js';

export interface YamlFileOptions {
  /** What the file is, for messages: "the template manifest". */
  what: string;
  /** How to fix a problem in it. */
  hint: string;
  /** The largest file read; anything bigger is a mistake (or an attack). */
  maxBytes?: number;
}

/** The largest YAML file read unless a caller says otherwise: these files are a few kilobytes. */
const MAX_BYTES = 1024 * 1024;

export async function readYamlFile(file: string, schema: SchemaName, options: YamlFileOptions): Promise<unknown> {
  const fail = (problems: string[]): never => {
    const message =
      problems.length === 1 ? problems[0]! : `${problems.length} problems in ${options.what} ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`;
    // what a person wrote is input: exit 2, as for a bad flag
    throw new UsageError(message, options.hint);
  };
  let text: string;
  try {
    const stat = statSync(file);
    const limit = options.maxBytes ?? MAX_BYTES;
    if (!stat.isFile()) fail([`${file}: ${options.what} is not a file`]);
    if (stat.size > limit) fail([`${file}: ${options.what} is ${stat.size} bytes; at most ${limit} are read`]);
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof PavedError) throw cause;
    throw new PavedError(`cannot read ${options.what} ${file}: ${(cause as Error).message}`, { cause });
  }
  // The shipped templates' manifests, parsed and checked against their schema at build time.
  const cached = precompiledYaml(text);
  if (cached !== undefined) return cached;
  const { Located, formatIssue } = await import('@paved/frame/yaml');
  const located = new Located(file, text);
  // No aliases: none of these files has a use for them, and they are how YAML bombs expand.
  const read = located.value(0);
  if (!read.ok) return fail(read.issues.map(formatIssue));
  const issues = located.issues(await schemaProblems(schema, read.value));
  if (issues.length > 0) fail(issues.map(formatIssue));
  return read.value;
}
