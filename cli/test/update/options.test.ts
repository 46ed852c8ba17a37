import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitAll, editFile, existsSync, generate, git, read, templatesAt, update } from './helpers.js';

/** 1.1.0 adds a parameter `region` that config.yaml uses. */
const withRegion = (extra: string) => ({
  'svc/template.yaml': (t: string) =>
    t.replace(/^version: .*$/m, 'version: 1.1.0').replace('features:', `  - name: region\n    type: enum\n    values: [eu, us]\n${extra}features:`),
  'svc/files/config.yaml.hbs': (t: string) => t.replace('server:', 'region: {{region}}\n\nserver:'),
});

describe('paved update with changed answers', () => {
  it('gives a new parameter its default and records it', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const result = await update(dir, await templatesAt('1.1.0', withRegion('    default: eu\n')));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Answers: new parameter region.');
    expect(result.stdout, 'a secret is never recorded, so it is not news').not.toContain('apiToken');
    expect(await read(dir, 'config.yaml')).toContain('region: eu\n');
    expect(parse(await read(dir, '.paved/answers.yaml')).values).toMatchObject({ region: 'eu', port: 8080 });
  });

  it('takes a new parameter without a default from --set, and refuses (writing nothing) without it', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const next = await templatesAt('1.1.0', withRegion(''));
    const head = await git(dir, 'rev-parse', 'HEAD', 'paved/template');
    const refused = await update(dir, next);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('template svc 1.1.0 has a new parameter region without a default; pass --set region=<value>');
    expect(await git(dir, 'rev-parse', 'HEAD', 'paved/template')).toBe(head);

    const result = await update(dir, next, ['--set', 'region=us']);
    expect(result.code, result.stderr).toBe(0);
    expect(await read(dir, 'config.yaml')).toContain('region: us\n');
  });

  it('re-renders with a value changed by --set, keeping local edits, within the same template version', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    await editFile(dir, 'config.yaml', (t) => t.replace('maxConnections: 100', 'maxConnections: 7'));
    await commitAll(dir);
    const result = await update(dir, await templatesAt('1.0.0'), ['--set', 'port=9090']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Updated .: svc template 1.0.0.');
    expect(result.stdout).toContain('Answers: port changed.');
    const config = await read(dir, 'config.yaml');
    expect(config).toContain('port: 9090');
    expect(config).toContain('maxConnections: 7');
    expect(parse(await read(dir, '.paved/answers.yaml')).values.port).toBe(9090);
  });

  it('adds a feature with --with and removes it with --without', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const templates = await templatesAt('1.0.0');
    const added = await update(dir, templates, ['--with', 'metrics']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Answers: feature metrics added.');
    expect(added.stdout).toContain('  A src/metrics.ts');
    expect(parse(await read(dir, '.paved/answers.yaml')).features).toEqual(['metrics']);

    const removed = await update(dir, templates, ['--without', 'metrics']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('  D src/metrics.ts');
    expect(existsSync(join(dir, 'src/metrics.ts'))).toBe(false);
    expect(parse(await read(dir, '.paved/answers.yaml')).features).toEqual([]);
  });

  it('reports what it dropped only when it wrote, and calls a value or feature the template never had what it is', async () => {
    const templates = await templatesAt('1.0.0');
    const dir = await generate(templates);
    await editFile(dir, '.paved/answers.yaml', (old) =>
      old.replace(/^features: \[\]$/m, 'features: ["metrix"]').replace(/^values:$/m, 'values:\n  colour: "blue"'),
    );
    await commitAll(dir, 'hand edits');
    const same = await update(dir, templates);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain(
      'Answers: colour ignored: left in .paved/answers.yaml (svc template 1.0.0 has no parameter colour); feature metrix ignored: left in .paved/answers.yaml (svc template 1.0.0 has no such feature).',
    );
    expect(same.stdout).not.toMatch(/dropped|removed/);
    const newer = await update(dir, await templatesAt('1.1.0'));
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stdout).toContain('colour dropped (svc template 1.1.0 has no parameter colour)');
    expect(newer.stdout).toContain('feature metrix dropped (svc template 1.1.0 has no such feature)');
    const answers = parse(await read(dir, '.paved/answers.yaml'));
    expect(answers.values.colour).toBeUndefined();
    expect(answers.features).toEqual([]);
  });

  it('refuses a recorded version the service was not last rendered from, instead of saying it is up to date', async () => {
    const templates = await templatesAt('1.0.0');
    const dir = await generate(templates);
    await editFile(dir, '.paved/answers.yaml', (old) => old.replace(/^templateVersion: .*$/m, 'templateVersion: "0.9.7"'));
    await commitAll(dir, 'a version that was never released');
    const result = await update(dir, templates);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '.paved/answers.yaml records svc template 0.9.7, but the service was last rendered from 1.0.0 (the paved/template branch holds that render)',
    );
    expect(result.stderr).toContain('set templateVersion: "1.0.0" in .paved/answers.yaml');
  });

  it('prints a JSON summary with --json', async () => {
    const dir = await generate(await templatesAt('1.0.0'));
    const result = await update(dir, await templatesAt('1.1.0', { 'svc/files/docs/obsolete.md': null }), ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      template: 'svc',
      from: '1.0.0',
      to: '1.1.0',
      source: 'templates',
      status: 'updated',
      dryRun: false,
      bootstrapped: false,
      files: { updated: ['.paved/answers.yaml'], added: [], removed: ['docs/obsolete.md'], renamed: [], conflicted: [] },
    });
    expect(summary.commit).toBe(await git(dir, 'rev-parse', 'HEAD'));
  });

  describe('bad input: clear error, exit 2, nothing written', () => {
    it.each([
      [['--with', 'turbo'], /template svc 1\.0\.0 has no feature "turbo"; available: metrics/],
      [['--set', 'port=80'], /port must be between 1024 and 65535/],
      [['--set', 'colour=blue'], /template svc has no parameter "colour"/],
      [['--set', 'team=Bad Team'], /team name/],
      [['--set', 'nonsense'], /--set expects key=value/],
      [['--to', 'latest'], /--to "latest" is not a template version/],
      [['--to', 'v1.1.0'], /--to "v1\.1\.0" is not a template version; expected a semantic version like 1\.2\.0\n {2}pass --to 1\.1\.0/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['a', 'b'], /expected at most one service folder, got 2/],
    ])('%j', async (args, message) => {
      const dir = await generate(await templatesAt('1.0.0'));
      const refs = await git(dir, 'show-ref');
      const result = await update(dir, await templatesAt('1.0.0'), args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^paved update: error: /);
      expect(await git(dir, 'show-ref')).toBe(refs);
      expect(await git(dir, 'status', '--porcelain')).toBe('');
    });
  });
});
