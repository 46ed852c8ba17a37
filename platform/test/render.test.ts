import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, visit } from 'yaml';
import { kubeconform } from '@paved/testkit';
import { run } from '../src/cli.js';
import { loadConfig } from '../src/config/load.js';
import { buildModel, allObjects, objectKey } from '../src/model/model.js';
import { RENDER_MARKER, renderFiles, toYaml, toYamlPlain, YAML_OPTIONS } from '../src/render.js';
import { YamlCache } from '../src/yaml-cache.js';
import { stringify } from 'yaml';
import { syntheticConfig } from '@paved/testkit/platform';
import { EXAMPLES, captureIo, editFile, exampleFiles, tempDir, writeConfig } from './helpers.js';

async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) files.set(path.relative(dir, path.join(entry.parentPath, entry.name)), await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
  return files;
}

async function exampleState() {
  const loaded = await loadConfig(EXAMPLES);
  if (!loaded.ok) throw new Error('example config is invalid');
  return buildModel(loaded.config);
}

describe('paved platform render', () => {
  it('writes one folder per team and environment whose YAML is exactly the model', async () => {
    const out = path.join(await tempDir(), 'rendered');
    const { io, out: printed } = captureIo();
    expect(await run(['render', '--config', EXAMPLES, '--out', out], io)).toBe(0);
    expect(printed.join('\n')).toMatch(/^rendered 27 file\(s\) to .*: 3 team\(s\), 8 team environment\(s\), 111 object\(s\), 6 stack\(s\)$/);
    const tree = await readTree(out);
    expect(
      [...tree.keys()]
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .slice(0, 9),
    ).toEqual([
      '_cluster/dev/guardrails.yaml',
      '_cluster/prod/guardrails.yaml',
      '_cluster/staging/guardrails.yaml',
      'growth-lab/dev/apps.yaml',
      'growth-lab/dev/project.yaml',
      'growth-lab/dev/tenant.yaml',
      'growth-lab/staging/apps.yaml',
      'growth-lab/staging/project.yaml',
      'growth-lab/staging/tenant.yaml',
    ]);
    // Plain YAML for reviewers and every GitOps tool: no anchors or aliases.
    for (const [file, text] of tree)
      for (const doc of parseAllDocuments(text))
        visit(doc, {
          Alias: () => {
            throw new Error(`${file} contains a YAML alias`);
          },
          Node: (_, node) => {
            if ('anchor' in node && node.anchor) throw new Error(`${file} contains an anchor`);
          },
        });
    const parsed = [...tree.entries()].filter(([f]) => f.endsWith('.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));
    const expected = allObjects(await exampleState());
    expect(new Map(parsed.map((o) => [objectKey(o), o]))).toEqual(new Map(expected.map((o) => [objectKey(o), o])));
  });

  it('rendered objects pass kubeconform -strict against the Kubernetes and Argo CD schemas', async () => {
    const state = await exampleState();
    expect(await kubeconform(toYaml(allObjects(state)))).toEqual([]);
    const loaded = await loadConfig(await writeConfig(syntheticConfig({ teams: 5, servicesPerTeam: 3 })));
    if (!loaded.ok) throw new Error('synthetic config is invalid');
    expect(await kubeconform(toYaml(allObjects(buildModel(loaded.config))))).toEqual([]);
  });

  it('kubeconform does reject an unknown field (strict)', async () => {
    const ns = allObjects(await exampleState()).find((object) => object.kind === 'Namespace');
    const findings = await kubeconform(toYaml([{ ...ns!, spec: { finalizers: [], color: 'red' } } as never]));
    expect(findings.length).toBeGreaterThan(0);
  });

  it('re-rendering after a team is removed removes its folder and keeps the rest identical', async () => {
    const files = await exampleFiles();
    const config = await writeConfig(files);
    const out = path.join(await tempDir(), 'out');
    expect(await run(['render', '--config', config, '--out', out], captureIo().io)).toBe(0);
    const first = await readTree(out);
    await rm(path.join(config, 'teams', 'growth-lab.yaml'));
    expect(await run(['render', '--config', config, '--out', out], captureIo().io)).toBe(0);
    const second = await readTree(out);
    const gone = [...first.keys()].filter((f) => !second.has(f));
    expect(gone.sort()).toEqual([...first.keys()].filter((f) => f.startsWith('growth-lab/')).sort());
    for (const [file, text] of second) if (file !== RENDER_MARKER) expect(first.get(file)).toBe(text);
    // the marker lists what this render wrote
    expect(second.get(RENDER_MARKER)!.split('\n').slice(2).filter(Boolean)).toEqual([...second.keys()].filter((f) => f !== RENDER_MARKER).sort());
    // Siblings of the output directory are left clean (no staging leftovers).
    expect(await readdir(path.dirname(out))).toEqual(['out']);
  });

  it('refuses to re-render over files an earlier render did not write, naming them, and deletes nothing', async () => {
    const out = path.join(await tempDir(), 'out');
    expect(await run(['render', '--config', EXAMPLES, '--out', out], captureIo().io)).toBe(0);
    await writeFile(path.join(out, 'NOTES.md'), 'my notes');
    await mkdir(path.join(out, '.git'));
    await writeFile(path.join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const before = await readTree(out);
    const refused = captureIo();
    expect(await run(['render', '--config', EXAMPLES, '--out', out], refused.io)).toBe(2);
    expect(refused.err[0]).toBe(
      `paved platform render: error: --out ${out} holds 2 file(s) an earlier render did not write (.git/HEAD, NOTES.md); render replaces the whole folder, so move them out or choose another directory`,
    );
    expect(await readTree(out)).toEqual(before);
    // a render from before the marker listed its files vouches for its .yaml files only
    await rm(path.join(out, 'NOTES.md'));
    await rm(path.join(out, '.git'), { recursive: true });
    await writeFile(path.join(out, RENDER_MARKER), 'paved platform render output; this whole directory is replaced on every render\n');
    expect(await run(['render', '--config', EXAMPLES, '--out', out], captureIo().io)).toBe(0);
  });

  it('refuses to overwrite a directory it did not write, and writes nothing on invalid config', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'precious.txt'), 'keep me');
    const refused = captureIo();
    expect(await run(['render', '--config', EXAMPLES, '--out', out], refused.io)).toBe(2);
    expect(refused.err.join('\n')).toMatch(/is not empty and was not written by paved platform render/);
    expect(await readdir(out)).toEqual(['precious.txt']);

    const bad = await writeConfig(editFile(await exampleFiles(), 'teams/search.yaml', (t) => t.replace('  staging: {}', '  qa: {}')));
    const target = path.join(await tempDir(), 'never');
    const failed = captureIo();
    expect(await run(['render', '--config', bad, '--out', target], failed.io)).toBe(2);
    expect(failed.err).toEqual([
      `paved platform render: error: 1 problem(s) in ${bad}:`,
      '  teams/search.yaml:11:3: unknown environment "qa"; platform.yaml defines: dev, staging, prod',
      '  fix them and run the command again',
    ]);
    await expect(readdir(target)).rejects.toThrow();
  });

  it('the shape cache writes byte-for-byte what the yaml library writes', async () => {
    const objects = allObjects(await exampleState());
    expect(toYaml(objects)).toBe(toYamlPlain(objects));
    const loaded = await loadConfig(await writeConfig(syntheticConfig({ teams: 30, servicesPerTeam: 4 })));
    if (!loaded.ok) throw new Error('synthetic config is invalid');
    const many = allObjects(buildModel(loaded.config));
    expect(toYaml(many)).toBe(toYamlPlain(many));
    // Scalars that need quoting or a block style, in the same shape, must still match.
    const cache = new YamlCache(YAML_OPTIONS);
    const tricky = ['true', '123', 'a: b', '#note', '', '- x', 'null', '0x1F', ' padded ', "it's", 'two\nlines', '"q"', '@at', '~', '1e3', 'yes'];
    for (const value of tricky) {
      const object = { metadata: { name: value, labels: { a: value } }, list: [value, 5, false] };
      expect(cache.stringify(object), JSON.stringify(value)).toBe(stringify(object, YAML_OPTIONS));
    }
  });

  it('renderFiles is deterministic', async () => {
    const state = await exampleState();
    expect(renderFiles(state)).toEqual(renderFiles(await exampleState()));
  });
});

describe('paved platform check and usage errors', () => {
  it('check passes on the example and reports problems in the config as invalid input (exit 2)', async () => {
    const ok = captureIo();
    expect(await run(['check', '--config', EXAMPLES], ok.io)).toBe(0);
    expect(ok.out).toEqual(['ok: 3 team(s), 8 team environment(s), 111 object(s), 6 stack(s); all guardrails pass']);

    const bad = await writeConfig(editFile(await exampleFiles(), 'teams/payments.yaml', (t) => t.replace('requests.cpu: "24"', 'requests.cpu: "65"')));
    const failed = captureIo();
    expect(await run(['check', '--config', bad], failed.io)).toBe(2);
    expect(failed.err[1]).toBe(
      '  teams/payments.yaml:11:21: quota requests.cpu=65 in "prod" is above the platform maximum 64; ask for at most 64, or ask the platform team to raise the maximum',
    );
  });

  it('stacks lists every stack in rollout order with its teams, as text or JSON', async () => {
    const listed = captureIo();
    expect(await run(['stacks', '--config', EXAMPLES], listed.io)).toBe(0);
    expect(listed.out).toEqual([
      'dev-s0\tgrowth-lab,payments',
      'dev-s1\tsearch',
      'staging-s0\tgrowth-lab,payments',
      'staging-s1\tsearch',
      'prod-s0\tpayments',
      'prod-s1\tsearch',
    ]);
    const json = captureIo();
    expect(await run(['stacks', '--config', EXAMPLES, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out.join(''))[4]).toEqual({ stack: 'prod-s0', environment: 'prod', shard: 0, teams: ['payments'], cluster: true });
    // A shard without teams is still a stack: running it removes what it held.
    const dir = await writeConfig((await exampleFiles()).filter((file) => file.path !== 'teams/search.yaml'));
    const emptied = captureIo();
    expect(await run(['stacks', '--config', dir], emptied.io)).toBe(0);
    expect(emptied.out).toEqual([
      'dev-s0\tgrowth-lab,payments',
      'dev-s1\t',
      'staging-s0\tgrowth-lab,payments',
      'staging-s1\t',
      'prod-s0\tpayments',
      'prod-s1\t',
    ]);
    const misuse = captureIo();
    expect(await run(['check', '--config', EXAMPLES, '--json'], misuse.io)).toBe(2);
    expect(misuse.err).toEqual(['paved platform check: error: --json is only used by stacks', '  run `paved platform check --help` for the options']);
    // asked for --json, the error is JSON on stdout too
    expect(JSON.parse(misuse.out.join('\n'))).toEqual({
      error: {
        command: 'paved platform check',
        message: '--json is only used by stacks',
        hint: 'run `paved platform check --help` for the options',
        exitCode: 2,
      },
    });
  });

  it('stacks --changed-from lists only the stacks whose program a change touches', async () => {
    const changed = async (files: Awaited<ReturnType<typeof exampleFiles>>, base = EXAMPLES) => {
      const io = captureIo();
      expect(await run(['stacks', '--config', await writeConfig(files), '--changed-from', base], io.io)).toBe(0);
      return { stacks: io.out.map((line) => line.split('\t')[0]), err: io.err };
    };
    // Nothing changed: nothing to preview.
    expect((await changed(await exampleFiles())).stacks).toEqual([]);
    // One team's production quota: its production stack only.
    expect((await changed(editFile(await exampleFiles(), 'teams/payments.yaml', (t) => t.replace('requests.cpu: "24"', 'requests.cpu: "20"')))).stacks).toEqual(
      ['prod-s0'],
    );
    // A new team: the stacks of its shard in its environments.
    const added = [
      ...(await exampleFiles()),
      { path: 'teams/billing.yaml', text: 'id: billing\ndisplayName: Billing\ngroup: acme:billing\nenvironments:\n  dev: {}\nservices: []\n' },
    ];
    expect((await changed(added)).stacks).toHaveLength(1);
    // A removed team: the stacks that held it, so that running them deletes its objects.
    expect((await changed((await exampleFiles()).filter((file) => file.path !== 'teams/growth-lab.yaml'))).stacks).toEqual(['dev-s0', 'staging-s0']);
    // A platform-wide default: every stack with a team in that environment using it.
    expect((await changed(editFile(await exampleFiles(), 'platform.yaml', (t) => t.replace('context: staging-eu1', 'context: staging-eu2')))).stacks).toEqual([
      'staging-s0',
      'staging-s1',
    ]);
    // As the platform workflow's matrices: batches to preview side by side, environments to roll out in order.
    const matrix = captureIo();
    expect(
      await run(
        [
          'stacks',
          '--config',
          await writeConfig((await exampleFiles()).filter((file) => file.path !== 'teams/growth-lab.yaml')),
          '--changed-from',
          EXAMPLES,
          '--github-matrix',
        ],
        matrix.io,
      ),
    ).toBe(0);
    expect(matrix.out).toEqual([
      'previews=["dev-s0","staging-s0"]',
      'rollouts=[{"environment":"dev","stacks":"dev-s0"},{"environment":"staging","stacks":"staging-s0"}]',
    ]);
    const all = captureIo();
    expect(await run(['stacks', '--config', EXAMPLES, '--github-matrix'], all.io)).toBe(0);
    expect(all.out[1]).toBe(
      'rollouts=[{"environment":"dev","stacks":"dev-s0 dev-s1"},{"environment":"staging","stacks":"staging-s0 staging-s1"},{"environment":"prod","stacks":"prod-s0 prod-s1"}]',
    );
    const both = captureIo();
    expect(await run(['stacks', '--config', EXAMPLES, '--github-matrix', '--json'], both.io)).toBe(2);
    expect(both.err[0]).toBe('paved platform stacks: error: --json and --github-matrix are two formats of the same list; pass one');
    // No usable base (a new config repository): every stack, and it says why.
    const fresh = await changed(await exampleFiles(), '/nonexistent');
    expect(fresh.stacks).toHaveLength(6);
    expect(fresh.err[0]).toMatch(/^note: the base config in \/nonexistent cannot be loaded \(.*cannot read.*\); listing every stack$/);
  });

  it('usage errors exit 2 and say what is expected', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: paved platform <command>/],
      [
        ['deploy', '--config', 'x'],
        /^paved platform: error: unknown command "deploy"; use check, render or stacks\n {2}run `paved platform --help` for the commands$/,
      ],
      [['chek', '--config', 'x'], /unknown command "chek"; did you mean check\?/],
      [['check'], /--config <dir> is required/],
      [['render', '--config', EXAMPLES], /--out <dir> is required for render/],
      [['check', '--config', EXAMPLES, '--verbose'], /Unknown option '--verbose'/],
      [['check', '--confg', EXAMPLES], /Unknown option '--confg'; did you mean --config\?/],
      [['check', EXAMPLES], /unexpected argument ".*examples"\n {2}run `paved platform check --help`/],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await run(argv, io.io), argv.join(' ')).toBe(2);
      expect([...io.err, ...io.out].join('\n')).toMatch(message);
    }
  });

  it('answers --help for each command with its options, examples and exit codes', async () => {
    for (const [command, option] of [
      ['check', '--config'],
      ['render', '--out'],
      ['stacks', '--changed-from'],
    ] as const) {
      const io = captureIo();
      expect(await run([command, '--help'], io.io)).toBe(0);
      const help = io.out.join('\n');
      expect(help).toMatch(new RegExp(`^Usage: paved platform ${command} --config <dir>`));
      expect(help).toMatch(
        new RegExp(
          `Options:\\n[\\s\\S]*${option} [\\s\\S]*Examples:\\n {2}paved platform ${command} [\\s\\S]*Exit codes:\\n {2}0 [\\s\\S]*\\n {2}2 {4}invalid usage or input`,
        ),
      );
    }
    const group = captureIo();
    expect(await run(['--help'], group.io)).toBe(0);
    expect(group.out.join('\n')).toMatch(/Commands:\n {2}check [\s\S]*render [\s\S]*stacks /);
  });

  it('the built bin runs as a real process', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const bin = new URL('../bin/paved-platform.js', import.meta.url).pathname;
    const dist = new URL('../dist/cli.js', import.meta.url).pathname;
    await readFile(dist).catch(() => {
      throw new Error('platform/dist is missing: run `npm run build` first (npm test does it in pretest)');
    });
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'check', '--config', EXAMPLES]);
    expect(stdout).toMatch(/^ok: 3 team\(s\)/);
  });
});
