/**
 * Static checks of what EVERY template generates, written once and run for each template in
 * templates/ × each valid combination of its features (feature-matrix.ts), with the real tools:
 * actionlint + zizmor on the workflows (and actionlint on them as callers of this
 * repository's reusable workflows), hadolint on the Dockerfile, kustomize + kubeconform
 * (strict) on every overlay, Pod Security "restricted", the port parameter reaching code,
 * image and manifests, the catalog entry, and a render with hostile free text.
 * A new template gets all of this by being added; the per-language e2e tests only run
 * toolchains and the runtime contract.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { actionlint, formatFindings, hadolint, kubeconform, kustomizeBuild, zizmor } from '@paved/testkit';
import { checkValue, generateTree, listTemplates, resolveAnswers } from '../../src/engine/index.js';
import type { Answers, RawAnswers, Template } from '../../src/engine/index.js';
import { callerProject } from '../../../pipelines/test/callers.js';
import { tempDir } from '../support.js';
import { dockerfileProblems, podSecurityProblems, resolvePort, strings } from './artifact-rules.js';
import { combinationLabel, featureCombinations } from './feature-matrix.js';
import { TEMPLATES_ROOT } from './harness.js';

const OVERLAYS = ['dev', 'staging', 'prod'];
// The commit the generated workflows must pin, fixed once: a commit landing in this checkout
// while the tests run must not change what "the generating commit" is.
const REF = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: TEMPLATES_ROOT, encoding: 'utf8' }).trim();
const RENDER_ENV: NodeJS.ProcessEnv = { ...process.env, PAVED_WORKFLOWS_REF: REF };
// Not the defaults, so the checks below prove each value flows through (a non-default port
// must reach the code, the image and every manifest).
const CUSTOM = { port: 8123, githubOrg: 'acme-corp', system: 'payments', lifecycle: 'production', pavedRepository: 'platform-team/paved.fork' };
const TEMPLATES = await listTemplates(TEMPLATES_ROOT);

interface Rendered {
  dir: string;
  paths: string[];
  answers: Answers;
}

/** Renders the whole service (answers file included) as create-service writes it. */
async function render(template: Template, raw: RawAnswers, dir: string): Promise<Rendered> {
  const answers = resolveAnswers(template, raw);
  const tree = await generateTree(template, answers, RENDER_ENV);
  for (const [path, file] of tree) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), file.contents, { mode: file.mode });
  }
  return { dir, paths: [...tree.keys()].sort(), answers };
}

/** The variants a template is rendered in: no features with non-default values, then every valid combination of features. */
function variants(template: Template): { label: string; raw: RawAnswers }[] {
  const declared = new Set(template.manifest.parameters.map((p) => p.name));
  const values = Object.fromEntries(Object.entries(CUSTOM).filter(([key]) => declared.has(key)));
  return [
    { label: 'without features, port 8123', raw: { name: 'orders', team: 'checkout', values } },
    ...featureCombinations(template.manifest)
      .filter((features) => features.length > 0)
      .map((features) => ({ label: combinationLabel(features), raw: { name: 'orders', team: 'checkout', features } })),
  ];
}

const text = (r: Rendered, path: string): Promise<string> => readFile(join(r.dir, path), 'utf8');
const workflowPaths = (r: Rendered): string[] => r.paths.filter((p) => p.startsWith('.github/workflows/'));
// Hand-written code (tests excluded), where the service reads its configuration.
const SOURCE = /\.(ts|js|mjs|go|py|java|kt|rs)$/;
const TEST = /(^|\/)(tests?|__tests__)\/|(_test\.go|\.test\.ts|Test\.java)$|(^|\/)test_[^/]*\.py$/;

type K8s = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; [key: string]: unknown };

describe.each(TEMPLATES.map((t) => [t.manifest.id, t] as const))('%s template artifacts', (id, template) => {
  describe.each(variants(template).map((v) => [v.label, v] as const))('%s', (_label, variant) => {
    let r: Rendered;
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), `paved-artifacts-${id}-`));
      r = await render(template, variant.raw, root);
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });
    const port = (): number => Number(r.answers.values['port']);
    const value = (name: string): string => String(r.answers.values[name]);

    it('workflows pass actionlint and zizmor with zero findings, every action pinned by SHA', async () => {
      const workflows = workflowPaths(r).map((p) => join(r.dir, p));
      expect(workflows.length).toBeGreaterThan(0);
      const lint = await actionlint(workflows, { cwd: r.dir });
      expect(lint, formatFindings(lint)).toEqual([]);
      const audit = await zizmor(workflows);
      expect(audit, formatFindings(audit)).toEqual([]);
      const uses = (await Promise.all(workflows.map((f) => readFile(f, 'utf8'))))
        .flatMap((t) => t.split('\n'))
        .map((l) => l.trim())
        .filter((l) => /^(- )?uses:/.test(l));
      expect(uses.length).toBeGreaterThan(0);
      // A full commit SHA, its version in a comment for people and Renovate.
      expect(uses.filter((l) => !/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # ([\w-]+ )?v?\d+\.\d+\.\d+$/.test(l))).toEqual([]);
    }, 60_000);

    it('workflows are thin callers of the reusable workflows at the generating commit, valid against their inputs and secrets', async () => {
      const repository = value('pavedRepository');
      const texts: Record<string, string> = {};
      for (const path of workflowPaths(r)) texts[basename(path)] = await text(r, path);
      expect(Object.keys(texts).sort()).toEqual(['ci.yml', 'promote.yml']);
      const escaped = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      for (const [file, source] of Object.entries(texts)) {
        const workflow = parseYaml(source) as { jobs: Record<string, { uses?: string; steps?: unknown }> };
        // No steps of their own: every job is a call, so a fix in Paved reaches the service by a bump.
        for (const [job, spec] of Object.entries(workflow.jobs)) {
          expect(spec.steps, `${file} ${job}`).toBeUndefined();
          expect(spec.uses, `${file} ${job}`).toMatch(new RegExp(`^${escaped}/\\.github/workflows/[\\w-]+\\.yml@${REF}$`));
        }
      }
      const ci = parseYaml(texts['ci.yml'] ?? '') as { jobs: Record<string, { uses?: string; with?: Record<string, unknown> }> };
      expect(ci.jobs['ci']?.uses).toContain(`/ci-${template.manifest.language}.yml@`);
      expect(ci.jobs['ci']?.with?.['postgres']).toBe(r.answers.features.includes('postgres') ? true : undefined);
      expect(ci.jobs['ci']?.with?.['rabbitmq']).toBe(r.answers.features.includes('events') ? true : undefined);
      expect(ci.jobs['container']?.with?.['image']).toBe(`ghcr.io/${value('githubOrg')}/orders`);
      // One Paved commit everywhere, the generating one; the workflows called at it install the
      // Paved packages they pin themselves, so callers pass no Paved location or token.
      const all = Object.values(texts).join('\n');
      expect(new Set([...all.matchAll(/\.yml@([0-9a-f]{40})/g)].map((m) => m[1]))).toEqual(new Set([REF]));
      expect(all).not.toMatch(/paved-(ref|repository|token):/);
      expect(all).not.toMatch(/github\.event\.|pull_request_target|secrets: inherit/);

      // Rewritten to local calls of this repository's reusable workflows, actionlint checks every
      // with:, secrets: and needs.*.outputs against what those workflows declare.
      const project = await tempDir('paved-callers-');
      const files = await callerProject(project, texts, repository);
      const findings = await actionlint(files, { cwd: project });
      expect(findings, formatFindings(findings)).toEqual([]);
      // ...which does catch a caller the reusable workflow would refuse.
      const brokenDir = await tempDir('paved-callers-');
      const broken = await callerProject(brokenDir, { 'ci.yml': (texts['ci.yml'] ?? '').replace('image: ghcr.io', 'imag: ghcr.io') }, repository);
      expect((await actionlint(broken, { cwd: brokenDir })).map((f) => f.message).join('\n')).toContain('input "imag" is not defined');
    }, 60_000);

    it('the Dockerfile passes hadolint, pins bases by digest (tag in a comment), runs as numeric non-root with a HEALTHCHECK', async () => {
      const findings = await hadolint(join(r.dir, 'Dockerfile'));
      expect(findings, formatFindings(findings)).toEqual([]);
      expect(dockerfileProblems(await text(r, 'Dockerfile'), port())).toEqual([]);
      // The build context is an allow-list: no secrets, caches or local state get in.
      expect((await text(r, '.dockerignore')).split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))).toBe('*');
    }, 60_000);

    it('the port parameter reaches the service code', async () => {
      const code = r.paths.filter((p) => SOURCE.test(p) && !TEST.test(p));
      const reading: string[] = [];
      for (const path of code) if (new RegExp(`\\b${port()}\\b`).test(await text(r, path))) reading.push(path);
      expect(reading, `no non-test source file of ${code.join(', ')} holds the port ${port()}`).not.toEqual([]);
    });

    it('catalog-info.yaml names owner, lifecycle, system and project slug', async () => {
      const catalog = parseYaml(await text(r, 'catalog-info.yaml')) as {
        metadata: { name: string; annotations: Record<string, string> };
        spec: Record<string, string>;
      };
      expect(catalog.metadata.name).toBe('orders');
      expect(catalog.spec).toMatchObject({ owner: 'group:checkout', lifecycle: value('lifecycle'), system: value('system') });
      expect(catalog.metadata.annotations['github.com/project-slug']).toBe(`${value('githubOrg')}/orders`);
    });

    it.each(OVERLAYS)(
      'overlay %s builds, validates strictly and meets Pod Security restricted',
      async (overlay) => {
        const built = await kustomizeBuild(join(r.dir, 'deploy', 'overlays', overlay));
        const findings = await kubeconform(built);
        expect(findings, formatFindings(findings)).toEqual([]);

        const objects = parseAllDocuments(built).map((d) => d.toJS() as K8s);
        expect(objects.map((o) => o.kind).sort()).toEqual(
          ['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
        );
        for (const o of objects) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(`checkout-${overlay}`);
        // Selectors of other pods stay as written: kustomize must not add the app's own label to them.
        const peers = objects
          .filter((o) => o.kind === 'NetworkPolicy')
          .flatMap((o) => [
            ...((o.spec?.['egress'] as { to?: unknown[] }[] | undefined) ?? []),
            ...((o.spec?.['ingress'] as { from?: unknown[] }[] | undefined) ?? []),
          ])
          .flatMap((rule) => [...(('to' in rule ? rule.to : undefined) ?? []), ...(('from' in rule ? rule.from : undefined) ?? [])]) as {
          podSelector?: { matchLabels?: Record<string, string> };
        }[];
        expect(peers.map((peer) => peer.podSelector?.matchLabels ?? {})).toEqual(expect.arrayContaining([{ 'k8s-app': 'kube-dns' }]));
        for (const peer of peers) expect(peer.podSelector?.matchLabels?.['app.kubernetes.io/name']).not.toBe('orders');
        // Egress beyond DNS only to what the features use: the database, the broker.
        const egressPorts = objects
          .filter((o) => o.kind === 'NetworkPolicy')
          .flatMap((o) => (o.spec?.['egress'] as { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports?: { port: unknown }[] }[] | undefined) ?? [])
          .flatMap((rule) => (rule.ports ?? []).map((p) => `${String(p.port)}→${JSON.stringify(rule.to?.map((peer) => peer.podSelector?.matchLabels))}`));
        const features = r.answers.features;
        expect(new Set(egressPorts)).toEqual(
          new Set([
            `53→${JSON.stringify([{ 'k8s-app': 'kube-dns' }])}`,
            ...(features.includes('postgres') ? [`5432→${JSON.stringify([{ 'app.kubernetes.io/name': 'orders-postgres' }])}`] : []),
            ...(features.includes('events') ? [`5672→${JSON.stringify([{ 'app.kubernetes.io/name': 'rabbitmq' }])}`] : []),
          ]),
        );
        const account = objects.find((o) => o.kind === 'ServiceAccount');
        expect(account?.['automountServiceAccountToken']).toBe(false);

        const deployment = objects.find((o) => o.kind === 'Deployment') as K8s & {
          spec: { template: { spec: Record<string, unknown> & { serviceAccountName: string; containers: Record<string, unknown>[] } } };
        };
        const pod = deployment.spec.template.spec;
        expect(podSecurityProblems(pod)).toEqual([]);
        expect(pod.serviceAccountName).toBe(account?.metadata.name);
        const container = pod.containers[0] ?? {};
        expect(container['image']).toBe(`ghcr.io/${value('githubOrg')}/orders:0.1.0`);
        expect(container['ports']).toEqual([{ name: 'http', containerPort: port(), protocol: 'TCP' }]);
        const env = container['env'] as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
        expect(env.find((e) => e.name === 'PORT')?.value).toBe(String(port()));
        // Credentials only by Secret reference: no literal password, no password in a URL.
        for (const e of env.filter((e) => /PASSWORD|SECRET|TOKEN/.test(e.name))) expect(e.value, e.name).toBeUndefined();
        for (const e of env.filter((e) => /_URL$/.test(e.name) && e.value !== undefined)) expect(new URL(e.value ?? '').password, e.name).toBe('');
        const secretRefs = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => `${e.name}=${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`);
        expect(secretRefs).toEqual([
          ...(features.includes('postgres') ? ['DATABASE_PASSWORD=orders-postgres/password'] : []),
          ...(features.includes('events') ? ['AMQP_PASSWORD=orders-rabbitmq/password'] : []),
        ]);
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          const spec = container[probe] as { httpGet?: { port?: unknown }; tcpSocket?: { port?: unknown } } | undefined;
          expect(spec, probe).toBeDefined();
          expect(resolvePort(container, (spec?.httpGet ?? spec?.tcpSocket)?.port), `${probe} port`).toBe(port());
        }
        const service = objects.find((o) => o.kind === 'Service') as K8s & { spec: { ports: { targetPort: unknown }[] } };
        expect(service.spec.ports.map((p) => resolvePort(container, p.targetPort))).toEqual([port()]);
      },
      60_000,
    );
  });

  describe('with hostile free text', () => {
    // Markers at both ends: any string holding one must be the whole value, unchanged.
    const hostile = `HOSTILE-START He said "hi": {{name}} \${{ github.token }} # not a comment, 'single' \\ back\\slash & <b>tag</b> | pipe HOSTILE-END`;
    const freeText = template.manifest.parameters.filter((p) => p.type === 'string' && typeof checkValue(p, hostile) !== 'string').map((p) => p.name);
    let r: Rendered;
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), `paved-artifacts-${id}-hostile-`));
      const values = Object.fromEntries(freeText.map((name) => [name, hostile]));
      r = await render(template, { name: 'orders', team: 'checkout', values, features: template.manifest.features.map((f) => f.id) }, root);
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('refuses a description with a line break and a pavedRepository that is not owner/name', () => {
      expect(freeText).toContain('description');
      expect(() => resolveAnswers(template, { name: 'orders', team: 'checkout', values: { description: 'two\nlines' } })).toThrow(/description[\s\S]*one line/);
      for (const bad of ['acme', 'acme/paved/x', 'acme/${{ github.token }}', '-acme/paved', 'acme/..']) {
        expect(() => resolveAnswers(template, { name: 'orders', team: 'checkout', values: { pavedRepository: bad } }), bad).toThrow(
          /pavedRepository[\s\S]*owner\/name/,
        );
      }
    });

    it('keeps every YAML, JSON and TOML file parseable, the exact value round-tripping where it is used', async () => {
      const problems: string[] = [];
      let parsed = 0;
      for (const path of r.paths) {
        const raw = await text(r, path);
        let values: string[] | undefined;
        try {
          if (/\.ya?ml$/.test(path)) {
            values = [];
            for (const doc of parseAllDocuments(raw)) {
              if (doc.errors.length > 0) throw new Error(doc.errors.join('; '));
              values.push(...strings(doc.toJS()));
            }
          } else if (path.endsWith('.json')) values = strings(JSON.parse(raw));
          else if (path.endsWith('.toml')) values = strings(parseToml(raw));
        } catch (error) {
          problems.push(`${path}: does not parse: ${(error as Error).message}`);
          continue;
        }
        if (values !== undefined) parsed += 1;
        if (!raw.includes('HOSTILE-')) continue;
        if (values === undefined) {
          if (!path.endsWith('.md')) problems.push(`${path}: holds the free text but is not YAML, JSON, TOML or Markdown, where it is checked`);
          else if (raw.includes('<b>')) problems.push(`${path}: shows the free text as raw HTML`);
          continue;
        }
        const holding = values.filter((v) => v.includes('HOSTILE-'));
        for (const v of holding) if (v !== hostile) problems.push(`${path}: reads back as ${JSON.stringify(v)}`);
        // Only in comments otherwise (the comment helper), where it carries no meaning.
        const outside = raw.split('\n').filter((l) => l.includes('HOSTILE-') && !/^\s*(#|\/\/)/.test(l));
        if (holding.length === 0 && outside.length > 0) problems.push(`${path}: holds the free text outside a comment but no value reads it back`);
      }
      expect(problems).toEqual([]);
      expect(parsed).toBeGreaterThan(10);
      const catalog = parseYaml(await text(r, 'catalog-info.yaml')) as { metadata: { description: string } };
      expect(catalog.metadata.description).toBe(hostile);
    });

    it('never reaches a workflow file', async () => {
      const workflows = workflowPaths(r);
      expect(workflows.length).toBeGreaterThan(0);
      for (const path of workflows) {
        const source = await text(r, path);
        for (const fragment of ['HOSTILE-', 'He said', 'github.token', '<b>']) expect(source, `${path} holds ${fragment}`).not.toContain(fragment);
      }
    });
  });
});

it('finds the templates in templates/ (a listing bug must not make this file test nothing)', () => {
  expect(TEMPLATES.map((t) => t.manifest.id)).toEqual(expect.arrayContaining(['go', 'java', 'python', 'typescript']));
});
