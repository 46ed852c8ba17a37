/**
 * `@paved/frame/schema`: the one way Paved compiles a JSON Schema and checks a document with it.
 * A separate entry point because it loads ajv (an optional peer dependency: the packages that
 * check files install it, @paved/pipelines does not), and create-service loads it only when it
 * reads a file that was not checked at build time.
 */
import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import { PATTERN_MESSAGE, schemaIssues, type SchemaIssue } from './schema-issues.js';

export interface SchemaChecker {
  /** The document's problems; none when it conforms. */
  check(document: unknown): SchemaIssue[];
}

/** Extra string formats a schema may name, each a test of the text. */
export type Formats = Record<string, (text: string) => boolean>;

/**
 * The ajv every Paved schema is compiled with, at run time here or at build time
 * (cli/scripts/compile-schemas.mjs passes `code` for standalone output): every problem of a file
 * at once (allErrors), and the failing value and its schema for the message (verbose).
 */
export function schemaAjv(options: Pick<Options, 'code'> = {}, formats: Formats = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, ...options });
  ajv.addKeyword({ keyword: PATTERN_MESSAGE, schemaType: 'string' });
  for (const [name, test] of Object.entries(formats)) ajv.addFormat(name, { type: 'string', validate: test });
  return ajv;
}

export function schemaChecker(schema: AnySchema, formats: Formats = {}): SchemaChecker {
  const ajv = schemaAjv({}, formats);
  let validate: ValidateFunction | undefined;
  return {
    check(document) {
      validate ??= ajv.compile(schema);
      return validate(document) ? [] : schemaIssues(validate.errors ?? [], document);
    },
  };
}
