/**
 * paved.config.yaml, the organisation's settings: found from the folder a service is created
 * in upwards and in the user's config folder, applied under the command line's flags, checked
 * with clear errors (file, key, what is allowed) before anything is written; and its JSON Schema,
 * built from the templates' own parameters, agrees with what create-service accepts.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadTemplate, resolveAnswers } from '../../src/engine/index.js';
import { summaryLines } from '../../src/prompts.js';
import { runCli, tempDir } from '../support.js';
import { TEMPLATES_ROOT } from '../templates/harness.js';

const SCHEMA = fileURLToPath(new URL('../../dist/paved-config.schema.json', import.meta.url));
const create = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['orders', '--template', 'go', '--yes', '--no-git', ...args], { cwd, templates: TEMPLATES_ROOT, env });
const answersOf = async (dir: string) =>
  parse(await readFile(join(dir, '.paved', 'answers.yaml'), 'utf8')) as { team: string; values: Record<string, unknown> };

describe('paved.config.yaml', () => {
  it('gives the organisation settings and the team to a service created below it, under the flags', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'paved.config.yaml'), 'defaults:\n  team: payments\n  githubOrg: initech\n  pavedRepository: initech/paved\n  memory: 512Mi\n');
    const services = join(root, 'services');
    await mkdir(services);
    const result = await create(['--set', 'memory=1Gi'], services);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const answers = await answersOf(join(services, 'orders'));
    expect(answers.team).toBe('payments');
    expect(answers.values).toMatchObject({ githubOrg: 'initech', pavedRepository: 'initech/paved', memory: '1Gi' });
    const ci = await readFile(join(services, 'orders', '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(ci).toContain('uses: initech/paved/.github/workflows/');
    expect(ci).toContain('image: ghcr.io/initech/orders');
  });

  it('takes the user file (XDG_CONFIG_HOME/paved/config.yaml) under a project file, key by key', async () => {
    const root = await tempDir();
    const user = await tempDir();
    await mkdir(join(user, 'paved'));
    await writeFile(join(user, 'paved', 'config.yaml'), 'defaults:\n  team: search\n  githubOrg: personal\n');
    await writeFile(join(root, 'paved.config.yaml'), 'defaults:\n  githubOrg: initech\n');
    expect((await create([], root, { XDG_CONFIG_HOME: user })).code).toBe(0);
    expect(await answersOf(join(root, 'orders'))).toMatchObject({ team: 'search', values: { githubOrg: 'initech' } });
  });

  it('is looked up from --dir, not from where the command runs', async () => {
    const root = await tempDir();
    const elsewhere = await tempDir();
    await writeFile(join(root, 'paved.config.yaml'), 'defaults:\n  team: payments\n');
    expect((await create(['--dir', root], elsewhere)).code).toBe(0);
    expect((await answersOf(join(root, 'orders'))).team).toBe('payments');
  });

  it.each([
    ['an unknown top-level key', 'default:\n  team: payments\n', /paved\.config\.yaml:1:1: unknown field "default" in \(document\); allowed fields: defaults/],
    [
      'a value outside its rule',
      'defaults:\n  team: payments\n  memory: lots\n',
      /paved\.config\.yaml: defaults\.memory: parameter memory "lots" is not allowed: a whole number of mebibytes or gibibytes/,
    ],
    [
      'a parameter no template has',
      'defaults:\n  githubOrganisation: acme\n',
      /paved\.config\.yaml: no template has the parameter "githubOrganisation"[\s\S]*githubOrg/,
    ],
    [
      'a list where a value belongs',
      'defaults:\n  githubOrg: [a, b]\n',
      /paved\.config\.yaml:2:14: defaults\.githubOrg must be a string, a number or true\/false, got a list/,
    ],
    [
      'YAML aliases (how YAML bombs expand)',
      'defaults:\n  githubOrg: &a initech\n  pavedRepository: *a\n',
      /paved\.config\.yaml:1:1: YAML aliases \(& and \*\) are not accepted in this file; write each value out instead/,
    ],
    ['broken YAML', 'defaults: [\n', /paved\.config\.yaml:2:1: YAML syntax error: Flow sequence/],
    [
      'a team that is not a DNS label',
      'defaults:\n  team: Payments\n',
      /paved\.config\.yaml:2:9: defaults\.team "Payments" is not allowed: use a lowercase DNS label/,
    ],
  ])('refuses %s with the file, the key and what is allowed, exit 2, writing nothing', async (_what, text, message) => {
    const root = await tempDir();
    await writeFile(join(root, 'paved.config.yaml'), text);
    const result = await create([], root);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(await readdir(root)).toEqual(['paved.config.yaml']);
  });

  it("the summary names the file a value came from, and not when an answer or a flag replaced the file's value", async () => {
    const template = await loadTemplate('go', TEMPLATES_ROOT);
    const org = {
      defaults: new Map([
        ['githubOrg', { value: 'initech', file: '/org/paved.config.yaml' }],
        ['description', { value: 'From the file', file: '/org/paved.config.yaml' }],
        ['memory', { value: '512Mi', file: '/org/paved.config.yaml' }],
      ]),
    };
    const answers = resolveAnswers(template, {
      name: 'orders',
      team: 'payments',
      values: { githubOrg: 'initech', description: 'Typed at the prompt', memory: '1Gi' },
    });
    const lines = summaryLines(template, answers, org, { values: { memory: '1Gi' } }, 'orders');
    expect(lines).toContainEqual(expect.stringMatching(/^githubOrg +initech {2}\(\/org\/paved\.config\.yaml\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^description +Typed at the prompt$/));
    expect(lines).toContainEqual(expect.stringMatching(/^memory +1Gi$/));
    expect(lines).toContainEqual(expect.stringMatching(/^pavedRepository +acme\/paved {2}\(template default: set it once in paved\.config\.yaml\)$/));
  });

  it('has a JSON Schema, built from the templates, that accepts what create-service accepts and refuses what it refuses', async () => {
    const schema = JSON.parse(await readFile(SCHEMA, 'utf8')) as { properties: { defaults: { properties: Record<string, unknown> } } };
    expect(Object.keys(schema.properties.defaults.properties).sort()).toEqual([
      'description',
      'githubOrg',
      'lifecycle',
      'memory',
      'pavedRepository',
      'port',
      'system',
      'team',
    ]);
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    expect(
      validate({
        defaults: { team: 'payments', githubOrg: 'initech', pavedRepository: 'initech/paved', memory: '512Mi', port: 8081, lifecycle: 'production' },
      }),
    ).toBe(true);
    for (const bad of [
      { defaults: { memory: 'lots' } },
      { defaults: { team: 'Payments' } },
      { defaults: { githubOrganisation: 'x' } },
      { default: {} },
      { defaults: { port: 80 } },
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
