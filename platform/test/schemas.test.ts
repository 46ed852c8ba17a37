// The JSON Schemas the package ships for editors are the ones the loader checks with, they are
// valid draft-07 schemas an editor's validator accepts, and the example files name them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { platformSchema, teamSchema } from '../src/config/files.js';
import { formatIssue, parseConfig } from '../src/config/load.js';
import { EXAMPLES, editFile, exampleFiles } from './helpers.js';

const SCHEMAS = fileURLToPath(new URL('../schemas/', import.meta.url));
const shipped = async (file: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(path.join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;

describe('the shipped JSON Schemas', () => {
  it('are the schemas the loader checks with (refresh: npm run build && node platform/scripts/write-schemas.mjs)', async () => {
    expect(await shipped('platform.schema.json')).toEqual(JSON.parse(JSON.stringify(platformSchema)));
    expect(await shipped('team.schema.json')).toEqual(JSON.parse(JSON.stringify(teamSchema)));
  });

  it('compile in a plain draft-07 validator, as an editor reads them, and accept the examples', async () => {
    // an editor knows neither Paved's message keyword nor the quantity format: both are annotations to it
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const platform = ajv.compile(await shipped('platform.schema.json'));
    const team = ajv.compile(await shipped('team.schema.json'));
    for (const file of await exampleFiles()) {
      const validate = file.path === 'platform.yaml' ? platform : team;
      expect(validate(parse(file.text)), `${file.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(team({ id: 'Payments', displayName: 'x', group: 'g', environments: {} })).toBe(false);
    expect(team.errors?.[0]).toMatchObject({ instancePath: '/id', keyword: 'pattern' });
  });

  it('are named by every example file, so an editor finds them', async () => {
    for (const file of await exampleFiles()) {
      const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(file.text);
      expect(modeline, file.path).not.toBeNull();
      const target = path.resolve(EXAMPLES, path.dirname(file.path), modeline![1]!);
      expect(path.basename(target)).toBe(file.path === 'platform.yaml' ? 'platform.schema.json' : 'team.schema.json');
      await expect(readFile(target, 'utf8')).resolves.toContain('"$schema"');
    }
  });
});

describe('values the schema refuses or accepts', () => {
  it('refuses an empty quota value with its place, and accepts an environment given with no overrides', async () => {
    const nullQuota = parseConfig(editFile(await exampleFiles(), 'teams/payments.yaml', (t) => t.replace('requests.cpu: "24"', 'requests.cpu: null')));
    expect(nullQuota.ok).toBe(false);
    if (!nullQuota.ok)
      expect(nullQuota.issues.map(formatIssue)).toEqual([
        'teams/payments.yaml:11:21: environments.prod.quota.requests.cpu must be a string or a number, got nothing',
      ]);
    const bare = parseConfig(editFile(await exampleFiles(), 'teams/search.yaml', (t) => t.replace('  staging: {}', '  staging:')));
    expect(bare.ok, bare.ok ? '' : bare.issues.map(formatIssue).join('\n')).toBe(true);
  });
});

describe('hostile YAML', () => {
  it('refuses aliases that expand past the limit (a YAML bomb) with the file and what to do, not a stack trace', async () => {
    const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const bomb = parseConfig([...(await exampleFiles()), { path: 'teams/bomb.yaml', text: `${levels.join('\n')}\n` }]);
    expect(bomb.ok).toBe(false);
    if (!bomb.ok)
      expect(bomb.issues.map(formatIssue)).toEqual([
        expect.stringMatching(/^teams\/bomb\.yaml:1:1: YAML aliases expand to more than 50 values \(.*\); write each value out instead$/),
      ]);
  });
});
