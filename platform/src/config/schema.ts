// A deliberately small schema language for the two config file kinds. It exists
// so that every problem comes back as (path, message) with the allowed values
// spelled out; the loader turns the path into file:line:column.

import { parseQuantity } from './quantity.js';

export type Path = ReadonlyArray<string | number>;

export interface SchemaIssue {
  path: Path;
  /** True when the issue is about a key itself (unknown field), not its value. */
  atKey?: boolean;
  message: string;
}

export type Schema =
  | { kind: 'string'; pattern?: RegExp; hint?: string; maxLength?: number }
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'quantity' }
  | { kind: 'object'; fields: Record<string, Field> }
  | { kind: 'map'; key: MapKey; value: Schema }
  | { kind: 'array'; items: Schema; minItems?: number };

export interface Field {
  schema: Schema;
  required?: boolean;
}

export const str = (pattern?: RegExp, hint?: string, maxLength?: number): Schema => ({
  kind: 'string',
  ...(pattern ? { pattern } : {}),
  ...(hint ? { hint } : {}),
  ...(maxLength ? { maxLength } : {}),
});
export const bool: Schema = { kind: 'boolean' };
export const int = (min: number, max: number): Schema => ({ kind: 'integer', min, max });
export const oneOf = (values: readonly string[]): Schema => ({ kind: 'enum', values });
export const quantity: Schema = { kind: 'quantity' };
export const obj = (fields: Record<string, Field>): Schema => ({ kind: 'object', fields });
/** What a mapping's keys must be: the pattern, what to tell a user who broke it, and a length limit. */
interface MapKey {
  pattern: RegExp;
  hint: string;
  maxLength?: number;
}

export const map = (key: MapKey, value: Schema): Schema => ({ kind: 'map', key, value });
export const list = (items: Schema, minItems?: number): Schema => ({ kind: 'array', items, ...(minItems ? { minItems } : {}) });
export const req = (schema: Schema): Field => ({ schema, required: true });
export const opt = (schema: Schema): Field => ({ schema });

export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(document)';
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validate(value: unknown, schema: Schema, path: Path = []): SchemaIssue[] {
  // Only computed when there is something to report (this runs for every node).
  const at = { toString: () => formatPath(path) };
  switch (schema.kind) {
    case 'string': {
      if (typeof value !== 'string') return [{ path, message: `${at} must be a string, got ${describe(value)}` }];
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        return [{ path, message: `${at} ${JSON.stringify(value)} is ${value.length} characters; at most ${schema.maxLength} are allowed` }];
      if (schema.pattern && !schema.pattern.test(value))
        return [{ path, message: `${at} ${JSON.stringify(value)} is not allowed: ${schema.hint ?? `must match ${schema.pattern}`}` }];
      return [];
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [{ path, message: `${at} must be true or false, got ${describe(value)}` }];
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= schema.min && value <= schema.max
        ? []
        : [{ path, message: `${at} must be a whole number from ${schema.min} to ${schema.max}, got ${describe(value)}` }];
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? []
        : [{ path, message: `${at} must be one of ${schema.values.join(', ')}; got ${describe(value)}` }];
    case 'quantity': {
      // Numbers are accepted because YAML reads `pods: 20` as a number.
      const text = typeof value === 'number' ? String(value) : value;
      return typeof text === 'string' && parseQuantity(text) !== undefined
        ? []
        : [{ path, message: `${at} must be a Kubernetes quantity such as 500m, 2, 4Gi or 20; got ${describe(value)}` }];
    }
    case 'object': {
      if (!isPlainObject(value)) return [{ path, message: `${at} must be a mapping, got ${describe(value)}` }];
      const issues: SchemaIssue[] = [];
      const allowed = Object.keys(schema.fields);
      for (const key of Object.keys(value)) {
        if (!(key in schema.fields))
          issues.push({ path: [...path, key], atKey: true, message: `unknown field ${JSON.stringify(key)} in ${at}; allowed fields: ${allowed.join(', ')}` });
      }
      for (const [key, field] of Object.entries(schema.fields)) {
        const child = value[key];
        if (child === undefined || child === null) {
          if (field.required) issues.push({ path, message: `${at} is missing the required field ${JSON.stringify(key)}` });
          continue;
        }
        issues.push(...validate(child, field.schema, [...path, key]));
      }
      return issues;
    }
    case 'map': {
      if (!isPlainObject(value)) return [{ path, message: `${at} must be a mapping, got ${describe(value)}` }];
      const issues: SchemaIssue[] = [];
      for (const [key, child] of Object.entries(value)) {
        if (!schema.key.pattern.test(key) || (schema.key.maxLength !== undefined && key.length > schema.key.maxLength))
          issues.push({ path: [...path, key], atKey: true, message: `key ${JSON.stringify(key)} in ${at} is not allowed: ${schema.key.hint}` });
        else if (child !== null && child !== undefined) issues.push(...validate(child, schema.value, [...path, key]));
      }
      return issues;
    }
    case 'array': {
      if (!Array.isArray(value)) return [{ path, message: `${at} must be a list, got ${describe(value)}` }];
      if (schema.minItems && value.length < schema.minItems) return [{ path, message: `${at} must list at least ${schema.minItems} item(s)` }];
      return value.flatMap((item, index) => validate(item, schema.items, [...path, index]));
    }
  }
}
