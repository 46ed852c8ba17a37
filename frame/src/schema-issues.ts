/**
 * Paved checks every YAML file a user writes (template manifests, layer files, answers files,
 * paved.config.yaml, platform and team files) against a JSON Schema with ajv, the one schema
 * library, and the same schema files are shipped so editors complete and check those files.
 * This turns ajv's errors into the messages a user reads: where (a path the caller turns into
 * file:line:column), what is wrong, and what is allowed.
 */

/** One error as ajv reports it with `verbose: true` (structural, so the frame needs no ajv). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: unknown;
  data?: unknown;
  /** Set on errors about a property name (the inner errors of `propertyNames`). */
  propertyName?: string;
}

export type SchemaPath = ReadonlyArray<string | number>;

export interface SchemaIssue {
  path: SchemaPath;
  /** True when the issue is about a key itself (unknown field, key not allowed), not its value. */
  atKey?: boolean;
  message: string;
}

/**
 * Paved's own annotation beside `pattern` (VS Code's JSON and YAML editors show it too): what a
 * user reads when a value does not match, naming the rule and an example.
 */
export const PATTERN_MESSAGE = 'patternErrorMessage';

export function formatSchemaPath(path: SchemaPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(document)';
}

/** A value as a message names it: `string "x"`, `a mapping`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  null: 'empty',
};

/** "a string", "a string or a number", "a string, a number or true/false". */
function oneOfNames(types: string[]): string {
  const names = types.map((type) => (types.length > 1 && type === 'boolean' ? 'true/false' : (TYPE_NAMES[type] ?? type)));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

/** The issues of one validation, in ajv's order, at most one per value. */
export function schemaIssues(errors: readonly SchemaError[], document: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // a property name's own errors come again, summed up, as the `propertyNames` error; an
    // `if` failing only says its `then` did, whose own error says what is wrong
    if (error.propertyName !== undefined || error.keyword === 'if') continue;
    const issue = issueOf(error, pathOf(error.instancePath, document));
    const key = `${formatSchemaPath(issue.path)}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function issueOf(error: SchemaError, path: SchemaPath): SchemaIssue {
  const at = formatSchemaPath(path);
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'required':
      return { path, message: `${at} is missing the required field ${JSON.stringify(error.params.missingProperty)}` };
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((schema.properties ?? {}) as object);
      return { path: [...path, key], atKey: true, message: `unknown field ${JSON.stringify(key)} in ${at}; allowed fields: ${allowed.join(', ')}` };
    }
    case 'propertyNames': {
      const key = String(error.params.propertyName);
      const names = (schema.propertyNames ?? {}) as Record<string, unknown>;
      const hint =
        names[PATTERN_MESSAGE] ?? (names.maxLength === undefined ? `must match ${String(names.pattern)}` : `at most ${String(names.maxLength)} characters`);
      return { path: [...path, key], atKey: true, message: `key ${JSON.stringify(key)} in ${at} is not allowed: ${String(hint)}` };
    }
    case 'type': {
      const types = ([] as string[]).concat(error.params.type as string | string[]).filter((type) => type !== 'null');
      if (types.includes('integer') && schema.minimum !== undefined && schema.maximum !== undefined)
        return { path, message: `${at} must be a whole number from ${String(schema.minimum)} to ${String(schema.maximum)}, got ${describeValue(value)}` };
      return { path, message: `${at} must be ${oneOfNames(types)}, got ${describeValue(value)}` };
    }
    case 'minimum':
    case 'maximum':
      if (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined)
        return { path, message: `${at} must be a whole number from ${String(schema.minimum)} to ${String(schema.maximum)}, got ${describeValue(value)}` };
      return { path, message: `${at} ${error.message ?? 'is out of range'}, got ${describeValue(value)}` };
    case 'pattern':
    case 'format':
      return {
        path,
        message: `${at} ${JSON.stringify(value)} is not allowed: ${String(schema[PATTERN_MESSAGE] ?? `must match ${String(schema.pattern ?? schema.format)}`)}`,
      };
    case 'maxLength':
      return { path, message: `${at} ${JSON.stringify(value)} is ${[...String(value)].length} characters; at most ${String(error.params.limit)} are allowed` };
    case 'minLength':
      return { path, message: `${at} must not be empty` };
    case 'enum':
      return { path, message: `${at} must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}; got ${describeValue(value)}` };
    case 'minItems':
      return { path, message: `${at} must list at least ${String(error.params.limit)} item(s)` };
    case 'uniqueItems':
      return { path, message: `${at} lists the same value twice (items ${String(error.params.j)} and ${String(error.params.i)})` };
    default:
      return { path, message: `${at} ${error.message ?? `fails ${error.keyword}`}` };
  }
}

/** A JSON pointer as path parts: list indexes as numbers (walking the document to know which are lists). */
function pathOf(pointer: string, document: unknown): SchemaPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let at: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      path.push(Number(part));
      at = at[Number(part)];
    } else {
      path.push(part);
      at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
    }
  }
  return path;
}
