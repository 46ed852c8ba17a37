// Fast YAML for many objects of few shapes. Teams' objects differ only in
// their scalar values, so each shape (the object with every scalar replaced by
// a numbered placeholder) is stringified once by the yaml library, and each
// distinct scalar is stringified once by it too; an object's YAML is the
// shape's text with its scalars' texts put back. Every byte still comes from
// the yaml library; tests compare the result with plain `stringify`.

import { stringify, type ToStringOptions, type DocumentOptions, type SchemaOptions, type CreateNodeOptions } from 'yaml';

type Options = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;

const MARK = '__paved_scalar_';
const PLACEHOLDER = new RegExp(`${MARK}(\\d+)__`);

export class YamlCache {
  private readonly shapes = new Map<string, Array<string | number>>();
  private readonly scalars = new Map<string, string>();

  constructor(private readonly options: Options) {}

  stringify(value: unknown): string {
    const leaves: unknown[] = [];
    const shape = template(value, leaves);
    if (shape === undefined) return stringify(value, this.options);
    const key = JSON.stringify(shape);
    let parts = this.shapes.get(key);
    if (!parts) {
      const text = stringify(shape, this.options);
      // Odd indexes of the split are placeholder numbers.
      parts = text.split(PLACEHOLDER).map((part, i) => (i % 2 === 1 ? Number(part) : part));
      this.shapes.set(key, parts);
    }
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      out += typeof part === 'number' ? this.scalar(leaves[part]) : part;
    }
    return out;
  }

  private scalar(value: unknown): string {
    const key = `${typeof value}:${String(value)}`;
    let text = this.scalars.get(key);
    if (text === undefined) {
      text = stringify(value, this.options).replace(/\n$/, '');
      this.scalars.set(key, text);
    }
    return text;
  }
}

/**
 * The object with scalars replaced by placeholders (collected in leaves), or
 * undefined when a value could render differently inside a structure than on
 * its own (multi-line strings, unusual types); those objects take the slow path.
 */
function template(value: unknown, leaves: unknown[]): unknown {
  if (typeof value === 'string') {
    if (value.includes('\n') || value.includes('\r') || value.includes(MARK)) return undefined;
    leaves.push(value);
    return `${MARK}${leaves.length - 1}__`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    leaves.push(value);
    return `${MARK}${leaves.length - 1}__`;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const t = template(item, leaves);
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (k.includes(MARK)) return undefined;
      const t = template(v, leaves);
      if (t === undefined) return undefined;
      out[k] = t;
    }
    return out;
  }
  return undefined;
}
