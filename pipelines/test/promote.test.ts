import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kustomizeBuild } from '@paved/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseImageRef, promote, readImages, run, setImage } from '../src/index.js';
import { capture, Repo } from './helpers.js';

const DIGEST = `sha256:${'3f'.repeat(32)}`;
const OTHER_DIGEST = `sha256:${'0a'.repeat(32)}`;
const IMAGE = `ghcr.io/acme/orders:1.3.0@${DIGEST}`;

// A service's deploy/ tree as a template generates it, with the kinds of
// comments and formatting people add by hand.
const BASE = {
  'deploy/base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
  'deploy/base/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: orders}',
    'spec:',
    '  selector: {matchLabels: {app: orders}}',
    '  template:',
    '    metadata: {labels: {app: orders}}',
    '    spec:',
    '      containers:',
    '        - name: orders',
    '          image: ghcr.io/acme/orders:0.0.0',
    '',
  ].join('\n'),
};

const STAGING = `# Staging overlay for orders.
# Managed by people and by \`paved promote\`: keep the comments.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: orders-staging   # the team's namespace
resources:
  - ../../base
images:
  # the service's own image; promotion sets tag and digest
  - name: ghcr.io/acme/orders
    newTag: "1.2.0" # previous release
  - name: busybox   # a sidecar, not ours
    newTag: '1.36'
labels:
- pairs: {env: staging}
`;

// Different hand-written style: sequences not indented, single quotes, a
// digest already set, no trailing newline.
const PRODUCTION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: orders-prod
resources:
- ../../base
images:
- name: ghcr.io/acme/orders
  newTag: '1.1.0'
  digest: ${OTHER_DIGEST}    # 1.1.0 as built
replicas:
- {name: orders, count: 3}`;

const repos: Repo[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.remove()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function service(overlays: Record<string, string> = { staging: STAGING, production: PRODUCTION }): Promise<Repo> {
  const repo = await Repo.create();
  repos.push(repo);
  const files: Record<string, string> = { ...BASE };
  for (const [env, text] of Object.entries(overlays)) files[`deploy/overlays/${env}/kustomization.yaml`] = text;
  await repo.commitFiles('feat: service', files);
  return repo;
}

/** The tree of a commit, checked out in a scratch folder (the repository stays as it is). */
async function checkout(repo: Repo, ref: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paved-promoted-'));
  dirs.push(dir);
  await repo.git('--work-tree', dir, 'checkout', ref, '--', '.');
  await repo.git('reset', '--quiet'); // the checkout above filled the index; put it back
  return dir;
}

function containerImages(rendered: string): string[] {
  return parseAllDocuments(rendered).flatMap((doc) => {
    const obj = doc.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { image: string }[] } } } };
    return obj.kind === 'Deployment' ? (obj.spec?.template?.spec?.containers ?? []).map((c) => c.image) : [];
  });
}

function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe('promote on a real service repository', () => {
  it('commits the new digest on a branch, keeps every other byte, and the overlay still builds', async () => {
    const repo = await service();
    const head = await repo.head();
    const report = await promote({ cwd: repo.dir, env: 'staging', image: IMAGE });

    expect(report).toMatchObject({
      env: 'staging',
      file: 'deploy/overlays/staging/kustomization.yaml',
      changed: true,
      branch: 'paved/promote-staging-3f3f3f3f3f3f',
      before: { name: 'ghcr.io/acme/orders', newName: null, newTag: '1.2.0', digest: null },
      after: { name: 'ghcr.io/acme/orders', newName: null, newTag: '1.3.0', digest: DIGEST },
      title: 'chore(deploy): promote ghcr.io/acme/orders:1.3.0 (3f3f3f3f3f3f) to staging',
    });
    // the caller's checkout is untouched: same branch, same HEAD, clean tree
    expect(await repo.git('branch', '--show-current')).toBe('main');
    expect(await repo.head()).toBe(head);
    expect(await repo.git('status', '--porcelain')).toBe('');

    // the branch holds exactly one commit on top of HEAD, touching one file
    expect(await repo.git('rev-parse', `${report.branch ?? ''}^`)).toBe(head);
    expect(await repo.git('diff', '--name-only', head, report.branch ?? '')).toBe('deploy/overlays/staging/kustomization.yaml');
    expect(await repo.git('log', '-1', '--format=%B', report.branch ?? '')).toContain(`Image: ${IMAGE}`);

    const dir = await checkout(repo, report.branch ?? '');
    const text = await readFile(join(dir, 'deploy/overlays/staging/kustomization.yaml'), 'utf8');
    expect(changedLines(STAGING, text)).toEqual({
      removed: ['    newTag: "1.2.0" # previous release'],
      added: ['    newTag: "1.3.0" # previous release', `    digest: ${DIGEST}`],
    });
    expect(text).toContain('# Managed by people and by `paved promote`: keep the comments.');
    expect(report.diff).toBe(
      `--- a/deploy/overlays/staging/kustomization.yaml\n+++ b/deploy/overlays/staging/kustomization.yaml\n-    newTag: "1.2.0" # previous release\n+    newTag: "1.3.0" # previous release\n+    digest: ${DIGEST}\n`,
    );

    const rendered = await kustomizeBuild(join(dir, 'deploy/overlays/staging'));
    expect(containerImages(rendered)).toEqual([`ghcr.io/acme/orders:1.3.0@${DIGEST}`]);
  });

  it('keeps the style of a differently formatted overlay and replaces its digest', async () => {
    const repo = await service();
    const report = await promote({ cwd: repo.dir, env: 'production', image: IMAGE });
    const dir = await checkout(repo, report.branch ?? '');
    const text = await readFile(join(dir, 'deploy/overlays/production/kustomization.yaml'), 'utf8');
    expect(text).toBe(PRODUCTION.replace("newTag: '1.1.0'", "newTag: '1.3.0'").replace(OTHER_DIGEST, DIGEST));
    expect(report.before).toMatchObject({ newTag: '1.1.0', digest: OTHER_DIGEST });
    const rendered = await kustomizeBuild(join(dir, 'deploy/overlays/production'));
    expect(containerImages(rendered)).toEqual([`ghcr.io/acme/orders:1.3.0@${DIGEST}`]);
  });

  it('promotes by digest alone, dropping the old tag', async () => {
    const repo = await service();
    const report = await promote({ cwd: repo.dir, env: 'staging', image: `ghcr.io/acme/orders@${DIGEST}` });
    const dir = await checkout(repo, report.branch ?? '');
    const text = await readFile(join(dir, 'deploy/overlays/staging/kustomization.yaml'), 'utf8');
    expect(changedLines(STAGING, text)).toEqual({ removed: ['    newTag: "1.2.0" # previous release'], added: [`    digest: ${DIGEST}`] });
    const rendered = await kustomizeBuild(join(dir, 'deploy/overlays/staging'));
    expect(containerImages(rendered)).toEqual([`ghcr.io/acme/orders@${DIGEST}`]);
  });

  it('matches the service image through newName', async () => {
    const overlay =
      'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/orders\n    newName: registry.example/mirror/orders # pulled through the mirror\n    newTag: "1.0.0"\n';
    const repo = await service({ dev: overlay });
    await expect(promote({ cwd: repo.dir, env: 'dev', image: IMAGE })).rejects.toThrow(
      "image ghcr.io/acme/orders is not this service's image: deploy/overlays/dev/kustomization.yaml deploys registry.example/mirror/orders",
    );
    const report = await promote({ cwd: repo.dir, env: 'dev', image: `registry.example/mirror/orders:1.1.0@${DIGEST}` });
    const dir = await checkout(repo, report.branch ?? '');
    const rendered = await kustomizeBuild(join(dir, 'deploy/overlays/dev'));
    expect(containerImages(rendered)).toEqual([`registry.example/mirror/orders:1.1.0@${DIGEST}`]);
  });

  it('writes nothing on a dry run and reports the change', async () => {
    const repo = await service();
    const objects = await repo.git('count-objects');
    const report = await promote({ cwd: repo.dir, env: 'staging', image: IMAGE, dryRun: true });
    expect(report).toMatchObject({ changed: true, dryRun: true, branch: null, commit: null });
    expect(report.diff).toContain(`+    digest: ${DIGEST}`);
    expect(await repo.git('branch', '--list')).toBe('* main');
    expect(await repo.git('count-objects')).toBe(objects);
  });

  it('does nothing when the overlay already runs that image', async () => {
    const repo = await service();
    const report = await promote({ cwd: repo.dir, env: 'production', image: `ghcr.io/acme/orders:1.1.0@${OTHER_DIGEST}` });
    expect(report).toMatchObject({ changed: false, branch: null, diff: '' });
    expect(await repo.git('branch', '--list')).toBe('* main');
  });

  it("refuses unknown environments, invalid references and images that are not the service's own", async () => {
    const repo = await service();
    const branches = await repo.git('branch', '--list');
    await expect(promote({ cwd: repo.dir, env: 'qa', image: IMAGE })).rejects.toThrow(
      'unknown environment "qa": deploy/overlays has production, staging; pass one of those with --env',
    );
    await expect(promote({ cwd: repo.dir, env: '../base', image: IMAGE })).rejects.toThrow(/unknown environment "\.\.\/base"/);
    await expect(promote({ cwd: repo.dir, env: 'staging', image: 'ghcr.io/acme/orders:1.3.0' })).rejects.toThrow(/has no digest; promotion is by digest/);
    await expect(promote({ cwd: repo.dir, env: 'staging', image: `ghcr.io/acme/orders:-bad@${DIGEST}` })).rejects.toThrow(/image tag "-bad" is not valid/);
    await expect(promote({ cwd: repo.dir, env: 'staging', image: `ghcr.io/acme/orders:1.3.0@sha256:abc` })).rejects.toThrow(/digest "sha256:abc" is not valid/);
    await expect(promote({ cwd: repo.dir, env: 'staging', image: `ghcr.io/Acme/orders@${DIGEST}` })).rejects.toThrow(/is not a valid repository/);
    await expect(promote({ cwd: repo.dir, env: 'staging', image: `ghcr.io/evil/orders:1.3.0@${DIGEST}` })).rejects.toThrow(
      "image ghcr.io/evil/orders is not this service's image: deploy/overlays/staging/kustomization.yaml deploys ghcr.io/acme/orders, busybox",
    );
    expect(await repo.git('branch', '--list')).toBe(branches);
  });

  it('refuses to overwrite an existing branch', async () => {
    const repo = await service();
    await promote({ cwd: repo.dir, env: 'staging', image: IMAGE });
    await expect(promote({ cwd: repo.dir, env: 'staging', image: IMAGE })).rejects.toThrow(/branch paved\/promote-staging-3f3f3f3f3f3f already exists/);
    const named = await promote({ cwd: repo.dir, env: 'staging', image: IMAGE, branch: 'deploy/staging-1.3.0' });
    expect(named.branch).toBe('deploy/staging-1.3.0');
    await expect(promote({ cwd: repo.dir, env: 'staging', image: IMAGE, branch: 'bad..name' })).rejects.toThrow(/not a valid branch name/);
  });

  it('reads the overlay from HEAD, not from uncommitted edits', async () => {
    const repo = await service();
    await repo.write('deploy/overlays/staging/kustomization.yaml', 'images: [{name: ghcr.io/evil/x}]\n');
    const report = await promote({ cwd: repo.dir, env: 'staging', image: IMAGE, dryRun: true });
    expect(report.before.name).toBe('ghcr.io/acme/orders');
  });
});

describe('kustomization editing', () => {
  it('falls back to the Document API for flow-style entries and keeps comments', () => {
    const source = '# top comment\nresources: [../../base]\nimages: [{name: ghcr.io/acme/orders, newTag: "1.0"}] # ours\n';
    const edit = setImage(source, parseImageRef(IMAGE), 'k.yaml');
    expect(edit.text).toContain('# top comment');
    expect(parseYaml(edit.text)).toEqual({ resources: ['../../base'], images: [{ name: 'ghcr.io/acme/orders', newTag: '1.3.0', digest: DIGEST }] });
  });

  it('quotes tags that YAML would read as numbers', () => {
    const source = 'images:\n  - name: ghcr.io/acme/orders\n    newTag: v1\n';
    const edit = setImage(source, parseImageRef(`ghcr.io/acme/orders:1.10@${DIGEST}`), 'k.yaml');
    expect(edit.text).toBe(`images:\n  - name: ghcr.io/acme/orders\n    newTag: "1.10"\n    digest: ${DIGEST}\n`);
    expect(readImages(edit.text, 'k.yaml')[0]?.newTag).toBe('1.10');
  });

  it('explains overlays without images and broken files', () => {
    expect(() => setImage('resources: [../../base]\n', parseImageRef(IMAGE), 'k.yaml')).toThrow(/has no images: entry/);
    // a YAML bomb's aliases are never expanded (an alias is not an images entry), and a huge file is refused before any work
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nimages: [*b]\n`;
    expect(() => setImage(bomb, parseImageRef(IMAGE), 'k.yaml')).toThrow(/k\.yaml: images\[0\] must be a mapping with a name/);
    expect(() => setImage(`images: []\n#${'x'.repeat(256 * 1024)}\n`, parseImageRef(IMAGE), 'k.yaml')).toThrow(
      /k\.yaml is 262157 characters; a kustomization promote edits is at most 262144/,
    );
    expect(() => setImage('images: {name: x}\n', parseImageRef(IMAGE), 'k.yaml')).toThrow(/images: must be a list/);
    expect(() => setImage('images: [\n', parseImageRef(IMAGE), 'k.yaml')).toThrow(/is not valid YAML/);
  });

  it('accepts registry ports and nested repositories', () => {
    expect(parseImageRef(`localhost:5000/team/sub/orders:v2@${DIGEST}`)).toEqual({ name: 'localhost:5000/team/sub/orders', tag: 'v2', digest: DIGEST });
  });
});

describe('paved promote command', () => {
  it('prints a JSON report for the workflow', async () => {
    const repo = await service();
    const io = capture(repo.dir);
    expect(await run(['promote', '--env', 'staging', '--image', IMAGE, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as { branch: string; commit: string; changed: boolean; title: string };
    expect(report.changed).toBe(true);
    expect(await repo.git('rev-parse', report.branch)).toBe(report.commit);
  });

  it('prints the change for people and says the working tree is untouched', async () => {
    const repo = await service();
    const io = capture(repo.dir);
    expect(await run(['promote', '--env=production', `--image=${IMAGE}`, '--cwd', repo.dir], io)).toBe(0);
    expect(io.out()).toMatch(/^Committed [0-9a-f]{12} on branch paved\/promote-production-3f3f3f3f3f3f \(your working tree is unchanged\):\n--- a\//);
  });

  it('exits 2 with the reason for bad input, outside a repository too, as the README says', async () => {
    const repo = await service();
    const missing = capture(repo.dir);
    expect(await run(['promote', '--image', IMAGE], missing)).toBe(2);
    expect(missing.err()).toContain('--env <environment> is required');
    const unknown = capture(repo.dir);
    expect(await run(['promote', '--env', 'prod', '--image', IMAGE], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown environment "prod"');
    const plain = await mkdtemp(join(tmpdir(), 'paved-plain-'));
    dirs.push(plain);
    const outside = capture(plain);
    expect(await run(['promote', '--env', 'staging', '--image', IMAGE], outside)).toBe(2);
    expect(outside.err()).toContain('is not a git repository');
  });
});
