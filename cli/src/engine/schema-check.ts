/**
 * Checks a parsed document against one of create-service's JSON Schemas (schemas.ts), with the
 * validation functions ajv compiled from them at build time; problems come back as paths and
 * messages in the form every Paved command prints them.
 */
import { schemaIssues, type SchemaError, type SchemaIssue } from '@paved/frame';
import type { SCHEMAS } from './schemas.js';

export type SchemaName = keyof typeof SCHEMAS;

type Validator = ((document: unknown) => boolean) & { errors?: SchemaError[] | null };

/** The problems of `document` against the schema `name`; none when it conforms. */
export async function schemaProblems(name: SchemaName, document: unknown): Promise<SchemaIssue[]> {
  // Loaded on first use: a scaffold of the shipped templates reads manifests checked at build time.
  const validators = (await import('./schema-validators.generated.js')) as unknown as Record<SchemaName, Validator>;
  const validate = validators[name];
  return validate(document) ? [] : schemaIssues(validate.errors ?? [], document);
}
