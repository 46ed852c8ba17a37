import { describe, expect, it } from 'vitest';
import { schemaChecker } from '../src/schema.js';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[a-z]+$', patternErrorMessage: 'use lowercase letters, e.g. "orders"', maxLength: 8 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    tier: { enum: ['critical', 'standard'] },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
    env: { type: 'object', propertyNames: { pattern: '^[a-z]+$', patternErrorMessage: 'use an environment name' }, additionalProperties: { type: 'string' } },
    size: { type: ['string', 'number'], format: 'size' },
  },
  required: ['name'],
  additionalProperties: false,
};
const checker = schemaChecker(schema, { size: (text) => /^\d+[KMG]$/.test(text) });

describe('schemaChecker', () => {
  it('accepts a conforming document', () => {
    expect(checker.check({ name: 'orders', port: 8080, tags: ['a'], env: { dev: 'x' }, size: '4G' })).toEqual([]);
  });

  it('reports every problem with its path, what is wrong and what is allowed', () => {
    const issues = checker.check({ nme: 'x', port: 0, tier: 'gold', tags: [], env: { Prod: 'x', dev: 3 }, size: 'big' });
    expect(issues).toEqual([
      { path: [], message: '(document) is missing the required field "name"' },
      { path: ['nme'], atKey: true, message: 'unknown field "nme" in (document); allowed fields: name, port, tier, tags, env, size' },
      { path: ['port'], message: 'port must be a whole number from 1 to 65535, got number 0' },
      { path: ['tier'], message: 'tier must be one of critical, standard; got string "gold"' },
      { path: ['tags'], message: 'tags must list at least 1 item(s)' },
      { path: ['env', 'Prod'], atKey: true, message: 'key "Prod" in env is not allowed: use an environment name' },
      { path: ['env', 'dev'], message: 'env.dev must be a string, got number 3' },
      { path: ['size'], message: 'size "big" is not allowed: must match size' },
    ]);
  });

  it('names the rule a value breaks, and list items by index', () => {
    expect(checker.check({ name: 'Orders!' })).toEqual([{ path: ['name'], message: 'name "Orders!" is not allowed: use lowercase letters, e.g. "orders"' }]);
    expect(checker.check({ name: 'abcdefghij' })).toEqual([{ path: ['name'], message: 'name "abcdefghij" is 10 characters; at most 8 are allowed' }]);
    expect(checker.check({ name: 'a', tags: ['x', 2] })).toEqual([{ path: ['tags', 1], message: 'tags[1] must be a string, got number 2' }]);
    expect(checker.check(['not', 'a', 'mapping'])).toEqual([{ path: [], message: '(document) must be a mapping, got a list' }]);
  });
});
