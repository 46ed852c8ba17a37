import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from '../support/github/fake-github.js';
import { startFake, tempDir, TOKEN } from './helpers.js';

/** The stand-in must be strict, or passing publish tests would prove little. */
let fake: FakeGitHub;
let root: string;
beforeAll(async () => {
  root = tempDir('fake');
  fake = await startFake(join(root, 'server'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const before = fake.violations.length;
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, violations: fake.violations.slice(before) };
}

describe('fake GitHub validates requests against the OpenAPI description', () => {
  it('accepts a well-formed request', async () => {
    const r = await call('POST', '/orgs/acme/repos', { name: 'valid', visibility: 'private', description: 'x' });
    expect(r).toEqual({ status: 201, violations: [] });
  });

  it('rejects an endpoint GitHub does not have', async () => {
    const r = await call('GET', '/repos/acme/valid/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.violations.join()).toMatch(/no such endpoint/);
  });

  it('rejects a method the endpoint does not have', async () => {
    const r = await call('DELETE', '/repos/acme/valid/topics');
    expect(r.violations.join()).toMatch(/DELETE is not a documented method/);
  });

  it('rejects a body missing a required field', async () => {
    const r = await call('POST', '/repos/acme/valid/actions/variables', { name: 'X' });
    expect(r.status).toBe(422);
    expect(r.violations.join()).toMatch(/must have required property 'value'/);
  });

  it('rejects wrong types, unknown enum values and unknown properties', async () => {
    expect((await call('POST', '/orgs/acme/repos', { name: 'x', private: 'yes' })).violations.join()).toMatch(/body\/private must be boolean/);
    expect((await call('POST', '/orgs/acme/repos', { name: 'x', visibility: 'secret' })).violations.join()).toMatch(/allowed values/);
    expect((await call('POST', '/orgs/acme/repos', { name: 'x', colour: 'blue' })).violations.join()).toMatch(/body property colour is not in the schema/);
    const ruleset = await call('POST', '/repos/acme/valid/rulesets', {
      name: 'r',
      enforcement: 'active',
      rules: [{ type: 'pull_request', parameters: { require_code_owner_review: true } }],
    });
    expect(ruleset.violations.join()).toMatch(/required property/);
  });

  it('rejects wrongly typed path and query parameters', async () => {
    expect((await call('GET', '/repos/acme/valid/rulesets/abc')).violations.join()).toMatch(/path parameter ruleset_id must be integer/);
    expect((await call('GET', '/repos/acme/valid/rulesets?per_page=lots')).violations.join()).toMatch(/query parameter per_page must be integer/);
    expect((await call('GET', '/repos/acme/valid/rulesets?colour=blue')).violations.join()).toMatch(/query parameter colour is not documented/);
  });

  it('refuses a wrong token', async () => {
    expect((await call('GET', '/repos/acme/valid', undefined, 'ghp_wrong')).status).toBe(401);
  });
});
