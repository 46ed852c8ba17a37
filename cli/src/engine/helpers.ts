/**
 * Handlebars helpers available to every template. Quoting helpers are the only way free text
 * reaches a generated file, so each one returns a literal that its target format reads back
 * as exactly the original value, whatever the value holds.
 */

/** Splits `myService`, `my-service`, `MY_SERVICE` and `my service` alike into lowercase words. */
export function words(value: string): string[] {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const capitalise = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

export const caseHelpers = {
  camelCase: (v: string): string =>
    words(v)
      .map((w, i) => (i === 0 ? w : capitalise(w)))
      .join(''),
  pascalCase: (v: string): string => words(v).map(capitalise).join(''),
  kebabCase: (v: string): string => words(v).join('-'),
  snakeCase: (v: string): string => words(v).join('_'),
  constantCase: (v: string): string => words(v).join('_').toUpperCase(),
  titleCase: (v: string): string => words(v).map(capitalise).join(' '),
};

/** Characters JSON.stringify leaves raw but YAML or JavaScript treat as line breaks or marks. */
const AWKWARD = /[\u0085\u2028\u2029\ufeff]/g;
const escapeAwkward = (s: string): string => s.replace(AWKWARD, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A JSON literal; also a valid YAML 1.2 double-quoted scalar and JavaScript literal. */
export function json(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`json: cannot quote ${String(value)}`);
  return escapeAwkward(text);
}

/** A YAML double-quoted scalar: one scalar whatever it contains (quotes, `: `, `#`, newlines). */
export function yaml(value: unknown): string {
  return json(String(value));
}

/** A POSIX shell word that the shell reads back as exactly `value`. */
export function shell(value: unknown): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** Text for a Markdown paragraph or table cell: no HTML, no line breaks, no formatting marks. */
export function markdown(value: unknown): string {
  return String(value)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/** One line for inside a `#`, `//` or block comment. */
export function comment(value: unknown): string {
  return String(value)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\*\//g, '* /');
}

export const logicHelpers = {
  eq: (a: unknown, b: unknown): boolean => a === b,
  ne: (a: unknown, b: unknown): boolean => a !== b,
  and: (a: unknown, b: unknown): boolean => Boolean(a) && Boolean(b),
  or: (a: unknown, b: unknown): boolean => Boolean(a) || Boolean(b),
  not: (a: unknown): boolean => !a,
  includes: (list: unknown, v: unknown): boolean => Array.isArray(list) && list.includes(v),
  /** Joins its arguments into one string, e.g. (concat githubOrg "/" name) for a quoting helper. */
  concat: (...args: unknown[]): string => args.slice(0, -1).map(String).join(''),
  /** For conditional paths: a file name cannot hold the `/` of `{{/if}}`. */
  when: (cond: unknown, v: unknown): string => (cond ? String(v) : ''),
};

export const quoteHelpers = { json, yaml, shell, markdown, comment };
