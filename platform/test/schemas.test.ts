// The JSON Schemas the package ships for editors are the ones the loader checks with, they are
// valid draft-07 schemas an editor's validator accepts, and the example files name them.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { platformSchema, teamSchema } from '../src/config/files.js';
import { MAX_FILE_BYTES, formatIssue, loadConfig, parseConfig } from '../src/config/load.js';
import { EXAMPLES, editFile, exampleFiles, writeConfig } from './helpers.js';

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
    // Kubernetes' decimal exponents are quantities too, compared by value
    const exponent = parseConfig(editFile(await exampleFiles(), 'teams/payments.yaml', (t) => t.replace('requests.cpu: "24"', 'requests.cpu: "2.4e1"')));
    expect(exponent.ok, exponent.ok ? '' : exponent.issues.map(formatIssue).join('\n')).toBe(true);
    const tooMuch = parseConfig(editFile(await exampleFiles(), 'teams/payments.yaml', (t) => t.replace('requests.cpu: "24"', 'requests.cpu: "1e2"')));
    expect(tooMuch.ok ? [] : tooMuch.issues.map(formatIssue)).toEqual([
      expect.stringContaining('quota requests.cpu=1e2 in "prod" is above the platform maximum 64'),
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

  it('refuses a folder where a team file belongs, and a file over the size limit, each by name', async () => {
    const dir = await writeConfig(await exampleFiles());
    await mkdir(path.join(dir, 'teams', 'folder.yaml'));
    await writeFile(path.join(dir, 'teams', 'huge.yaml'), `id: huge\n# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    const loaded = await loadConfig(dir);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok)
      expect(loaded.issues.map(formatIssue)).toEqual([
        'teams/folder.yaml:1:1: teams/folder.yaml is not a file; teams/ holds one <team>.yaml file per team',
        `teams/huge.yaml:1:1: teams/huge.yaml is ${MAX_FILE_BYTES + 12} bytes; a config file is at most ${MAX_FILE_BYTES} bytes (split the team, or remove what is not config)`,
      ]);
  });

  it('checks a large config in time linear in its size, and stops at once on SIGTERM', async () => {
    // three teams of 2,500 services in three environments each: 22,500 Applications
    const team = (id: string) =>
      `id: ${id}\ndisplayName: ${id}\ngroup: acme:${id}\nenvironments:\n  dev: {}\n  staging: {}\n  prod: {}\nservices:\n${Array.from({ length: 2500 }, (_, i) => `  - name: s${i}\n    repo: https://git.example.com/${id}/s${i}.git\n`).join('')}`;
    const dir = await writeConfig([...(await exampleFiles()), ...['big-a', 'big-b', 'big-c'].map((id) => ({ path: `teams/${id}.yaml`, text: team(id) }))]);
    const bin = fileURLToPath(new URL('../bin/paved-platform.js', import.meta.url));
    const started = Date.now();
    const full = spawnSync(process.execPath, [bin, 'check', '--config', dir], { encoding: 'utf8' });
    const took = Date.now() - started;
    expect(full.stdout, full.stderr).toMatch(/^ok: 6 team\(s\)/);
    const child = spawn(process.execPath, [bin, 'check', '--config', dir], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, Math.min(300, took / 3)));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - signalled).toBeLessThan(1000);
  }, 120_000);
});
