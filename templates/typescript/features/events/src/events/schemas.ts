import { readFileSync } from 'node:fs';
import { Validator } from '@cfworker/json-schema';
import type { Schema } from '@cfworker/json-schema';

/** The JSON Schemas of the events' `data`, one file per type, shipped beside src/ and dist/. */
export const SCHEMAS_DIR = new URL('../../events/', import.meta.url);

export const EVENT_TYPES = ['item.created.v1', 'item.rejected.v1', 'item.withdrawn.v1'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const validators = new Map<string, Validator>(
  EVENT_TYPES.map((type) => {
    const schema = JSON.parse(readFileSync(new URL(`${type}.schema.json`, SCHEMAS_DIR), 'utf8')) as Schema;
    return [type, new Validator(schema, '2020-12', false)];
  }),
);

/** The ways `data` breaks its type's schema (empty when it does not); throws for an unknown type. */
export function schemaProblems(type: string, data: unknown): string[] {
  const validator = validators.get(type);
  if (validator === undefined) throw new Error(`no schema for event type ${type}`);
  const { valid, errors } = validator.validate(data);
  return valid ? [] : errors.map((error) => `${error.instanceLocation}: ${error.error}`);
}
