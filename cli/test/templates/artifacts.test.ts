/**
 * Static checks of what the typescript template generates, with the real tools:
 * actionlint + zizmor on workflows (and actionlint on them as callers of this repository's
 * reusable workflows), hadolint on the Dockerfile, kustomize + kubeconform
 * (strict) on every overlay, and a render with hostile free text that must still parse.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { actionlint, formatFindings, hadolint, kubeconform, kustomizeBuild, zizmor } from '@paved/testkit';
import { loadTemplate, renderTemplate, resolveAnswers } from '../../src/engine/index.js';
import type { RawAnswers } from '../../src/engine/index.js';
import { callerProject } from '../../../pipelines/test/callers.js';
import { tempDir } from '../support.js';
import { TEMPLATES_ROOT } from './harness.js';

const OVERLAYS = ['dev', 'staging', 'prod'];

/** Renders into a fresh folder; returns it and the rendered paths. */
async function render(raw: RawAnswers): Promise<{ dir: string; paths: string[] }> {
  const template = await loadTemplate('typescript', TEMPLATES_ROOT);
  const tree = await renderTemplate(template, resolveAnswers(template, raw));
  const dir = await tempDir('paved-artifacts-');
  for (const [path, file] of tree) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), file.contents, { mode: file.mode });
  }
  return { dir, paths: [...tree.keys()].sort() };
}

describe.each([
  ['without features', []],
  ['with postgres', ['postgres']],
])('typescript template artifacts %s', (_label, features: string[]) => {
  it('workflows pass actionlint and zizmor with zero findings', async () => {
    const { dir, paths } = await render({ name: 'orders', team: 'checkout', features });
    const workflows = paths.filter((p) => p.startsWith('.github/workflows/')).map((p) => join(dir, p));
    expect(workflows.length).toBeGreaterThan(0);
    const lint = await actionlint(workflows, { cwd: dir });
    expect(lint, formatFindings(lint)).toEqual([]);
    const audit = await zizmor(workflows);
    expect(audit, formatFindings(audit)).toEqual([]);
    // Every action and reusable workflow pinned to a full commit SHA with its version in a comment.
    for (const file of workflows) {
      for (const line of (await readFile(file, 'utf8')).split('\n').filter((l) => /^\s*(- )?uses:/.test(l))) {
        expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # (v|paved )\d+\.\d+\.\d+$/);
      }
    }
  }, 60_000);

  it('workflows are thin callers of the Paved reusable workflows, valid against their declared inputs', async () => {
    const { dir, paths } = await render({ name: 'orders', team: 'checkout', features, values: { pavedRepository: 'platform-team/paved.fork' } });
    const texts: Record<string, string> = {};
    for (const path of paths.filter((p) => p.startsWith('.github/workflows/'))) texts[basename(path)] = await readFile(join(dir, path), 'utf8');
    expect(Object.keys(texts).sort()).toEqual(['ci.yml', 'promote.yml']);
    const ci = parseYaml(texts['ci.yml'] ?? '') as { jobs: Record<string, { uses?: string; steps?: unknown; with?: Record<string, unknown> }> };
    // No steps of their own: every job is a call, so a fix in Paved reaches the service by a bump.
    for (const [id, job] of Object.entries(ci.jobs)) expect(job.uses, id).toMatch(/^platform-team\/paved\.fork\/\.github\/workflows\/[\w-]+\.yml@[0-9a-f]{40}$/);
    expect(ci.jobs['ci']?.uses).toContain('/ci-typescript.yml@');
    expect(ci.jobs['ci']?.with?.['postgres']).toBe(features.includes('postgres') ? true : undefined);
    expect(ci.jobs['container']?.with?.['image']).toBe('ghcr.io/acme/orders');
    // One Paved commit everywhere: the workflows called and the tooling they check out.
    const all = Object.values(texts).join('\n');
    const pins = new Set([...all.matchAll(/(?:\.yml@|paved-ref: )([0-9a-f]{40})/g)].map((m) => m[1]));
    expect(pins.size).toBe(1);
    expect([...all.matchAll(/paved-repository: (\S+)/g)].map((m) => m[1])).toEqual(['platform-team/paved.fork', 'platform-team/paved.fork', 'platform-team/paved.fork']);
    expect(all).not.toMatch(/github\.event\.|pull_request_target|secrets: inherit/);

    // Rewritten to local calls of this repository's reusable workflows, actionlint checks every
    // with:, secrets: and needs.*.outputs against what those workflows declare.
    const project = await tempDir('paved-callers-');
    const files = await callerProject(project, texts, 'platform-team/paved.fork');
    const findings = await actionlint(files, { cwd: project });
    expect(findings, formatFindings(findings)).toEqual([]);
    // ...which does catch a caller the reusable workflow would refuse.
    const broken = await callerProject(await tempDir('paved-callers-'), { 'ci.yml': (texts['ci.yml'] ?? '').replace('image: ghcr.io', 'imag: ghcr.io') }, 'platform-team/paved.fork');
    const messages = (await actionlint(broken, { cwd: dirname(dirname(dirname(broken[0] ?? ''))) })).map((f) => f.message);
    expect(messages.join('\n')).toContain('input "imag" is not defined');
  }, 60_000);

  it('refuses a pavedRepository that is not owner/name', async () => {
    const template = await loadTemplate('typescript', TEMPLATES_ROOT);
    for (const bad of ['acme', 'acme/paved/x', 'acme/${{ github.token }}', '-acme/paved', 'acme/..']) {
      expect(() => resolveAnswers(template, { name: 'orders', team: 'checkout', values: { pavedRepository: bad } }), bad).toThrow(/pavedRepository[\s\S]*owner\/name/);
    }
  });

  it('the Dockerfile passes hadolint and pins its base image by digest', async () => {
    const { dir } = await render({ name: 'orders', team: 'checkout', features });
    const findings = await hadolint(join(dir, 'Dockerfile'));
    expect(findings, formatFindings(findings)).toEqual([]);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    for (const from of dockerfile.split('\n').filter((l) => l.startsWith('FROM '))) {
      expect(from).toMatch(/^FROM (base|[\w.-]+:[\w.-]+@sha256:[0-9a-f]{64}) AS \w+$/);
    }
  }, 60_000);

  it.each(OVERLAYS)('overlay %s builds and validates strictly, meeting Pod Security restricted', async (overlay) => {
    const { dir } = await render({ name: 'orders', team: 'checkout', features, values: { githubOrg: 'acme', port: 8081 } });
    const built = await kustomizeBuild(join(dir, 'deploy', 'overlays', overlay));
    const findings = await kubeconform(built);
    expect(findings, formatFindings(findings)).toEqual([]);

    const objects = parseAllDocuments(built).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string }; spec: Record<string, unknown> });
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
    for (const object of objects) expect(object.metadata.namespace).toBe(`checkout-${overlay}`);
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { securityContext: Record<string, unknown>; containers: Record<string, any>[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const container = pod.containers[0] ?? {};
    expect(container['image']).toBe('ghcr.io/acme/orders:0.1.0');
    expect(container['securityContext']).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container['resources']).toMatchObject({ requests: expect.any(Object), limits: expect.any(Object) });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(container[probe]).toBeDefined();
    expect(container['ports']).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
  }, 60_000);
});

describe('typescript template with hostile free text', () => {
  const hostile = `He said "hi": {{name}} \${{ github.token }} # not a comment, 'single' \\ back\\slash & <b>tag</b> | pipe`;

  it('refuses a description with a line break, saying what is allowed', async () => {
    const template = await loadTemplate('typescript', TEMPLATES_ROOT);
    expect(() =>
      resolveAnswers(template, { name: 'orders', team: 'checkout', values: { description: 'two\nlines' } }),
    ).toThrow(/description[\s\S]*one line/);
  });

  it('keeps every YAML and JSON file parseable, with the exact value round-tripping', async () => {
    const { dir, paths } = await render({
      name: 'orders',
      team: 'checkout',
      values: { description: hostile },
      features: ['postgres'],
    });
    let parsed = 0;
    for (const path of paths) {
      const text = await readFile(join(dir, path), 'utf8');
      if (/\.ya?ml$/.test(path)) {
        for (const doc of parseAllDocuments(text)) expect(doc.errors, `${path}: ${doc.errors.join('\n')}`).toEqual([]);
        parsed += 1;
      } else if (path.endsWith('.json')) {
        expect(() => JSON.parse(text) as unknown, path).not.toThrow();
        parsed += 1;
      }
    }
    expect(parsed).toBeGreaterThan(10);

    const catalog = parseYaml(await readFile(join(dir, 'catalog-info.yaml'), 'utf8')) as { metadata: { description: string } };
    expect(catalog.metadata.description).toBe(hostile);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { description: string };
    expect(pkg.description).toBe(hostile);
    // The README shows it as text: no raw HTML, still one line.
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).not.toContain('<b>');
  });
});
