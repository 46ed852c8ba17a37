// The two halves meet: every template × feature that create-service generates, every overlay,
// deployed into the namespaces the platform gives the owning team — the way Argo CD syncs it
// (the AppProject's rules, then Argo CD's controller applying) and, in dev, by the team's own
// member by hand. The ReplicaSet controller must then create the pods (no FailedCreate).
import { mkdir, mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSync, kustomizeBuild, type KubeClient, type KubeObject, waitUntil } from '@paved/testkit';
import { generateTree, listTemplates, resolveAnswers, type Template } from '../../cli/src/engine/index.js';
import { featureCombinations } from '../../cli/test/templates/feature-matrix.js';
import { TEMPLATES_ROOT } from '../../cli/test/templates/harness.js';
import { objectKey } from '../../platform/src/model/model.js';
import { ARGOCD_CONTROLLER, admin, installPrerequisites, parseYamlStream, teamMember } from './support/cluster.js';
import { EXAMPLES, applyPlatform, prunePlatform, renderPlatform } from './support/platform.js';

const TEAM = 'checkout';
const GROUP = 'acme:checkout';
const OVERLAYS = ['dev', 'staging', 'prod'] as const;
const repoOf = (service: string) => `https://git.example.com/acme/${service}.git`;

interface Variant {
  service: string;
  template: Template;
  features: string[];
}

const templates = await listTemplates(TEMPLATES_ROOT);
/** Each template with each valid combination of its features: the variants the artifact checks use. */
const VARIANTS: Variant[] = templates.flatMap((template) =>
  featureCombinations(template.manifest).map((features) => ({ service: [template.manifest.id, ...features].join('-'), template, features })),
);

const client = admin();
const asTeam = client.as(teamMember(`oidc:${GROUP}`));
const asArgoCd = client.as(ARGOCD_CONTROLLER);
let root: string;

/** The team's file as the team would write it: one service per generated variant. */
function teamFile(): string {
  const services = VARIANTS.map((v) => `  - name: ${v.service}\n    repo: ${repoOf(v.service)}\n`).join('');
  return `id: ${TEAM}\ndisplayName: Checkout\ngroup: ${GROUP}\nenvironments:\n  dev: {}\n  staging: {}\n  prod: {}\nservices:\n${services}`;
}

async function generate(variant: Variant): Promise<string> {
  const dir = join(root, variant.service);
  const answers = resolveAnswers(variant.template, { name: variant.service, team: TEAM, features: variant.features });
  for (const [path, file] of await generateTree(variant.template, answers)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), file.contents, { mode: file.mode });
  }
  return dir;
}

const overlay = async (dir: string, env: string): Promise<KubeObject[]> => parseYamlStream(await kustomizeBuild(join(dir, 'deploy', 'overlays', env)));

async function applyAll(as: KubeClient, objects: KubeObject[], fieldManager: string): Promise<string[]> {
  const refused: string[] = [];
  for (const object of objects) {
    const reply = await as.apply(object, { fieldManager });
    if (!reply.ok) refused.push(`${objectKey(object)}: ${reply.status} ${reply.message}`);
  }
  return refused;
}

interface Event {
  reason?: string;
  message?: string;
  involvedObject?: { name?: string };
}

/** Waits until the service's ReplicaSet has created its pod, and fails on any FailedCreate event. */
async function podsCreated(namespace: string, service: string): Promise<void> {
  const selector = `app.kubernetes.io/name=${service}`;
  await waitUntil(
    `a pod of ${service} in ${namespace}, or a FailedCreate event`,
    async () => {
      const failed = (await client.list<Event>('v1', 'Event', { namespace })).filter(
        (e) => e.reason === 'FailedCreate' && e.involvedObject?.name?.startsWith(service),
      );
      if (failed.length > 0) throw new Error(`the ReplicaSet of ${service} could not create pods in ${namespace}: ${failed.map((e) => e.message).join('; ')}`);
      return (await client.list('v1', 'Pod', { namespace, labelSelector: selector })).length > 0;
    },
    30_000,
  );
}

async function remove(objects: KubeObject[]): Promise<void> {
  for (const object of [...objects].reverse()) await client.delete(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
  // Pods go with their ReplicaSets through the garbage collector; wait so quota is free again.
  const namespace = objects[0]?.metadata.namespace;
  const service = objects.find((o) => o.kind === 'Deployment')?.metadata.name;
  if (namespace && service)
    await waitUntil(
      `the pods of ${service} in ${namespace} to go`,
      async () => (await client.list('v1', 'Pod', { namespace, labelSelector: `app.kubernetes.io/name=${service}` })).length === 0,
      60_000,
    );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'paved-e2e-services-'));
  const config = join(root, '_config');
  await cp(EXAMPLES, config, { recursive: true });
  await writeFile(join(config, 'teams', `${TEAM}.yaml`), teamFile());
  await installPrerequisites(client);
  await applyPlatform(client, await renderPlatform(config));
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  // Leave the cluster holding the example platform only, as the other files expect.
  await prunePlatform(client, await renderPlatform(EXAMPLES));
}, 120_000);

describe.each(VARIANTS.map((v) => [v.service, v] as const))('service %s on the platform', (_name, variant) => {
  let dir: string;
  beforeAll(async () => {
    dir = await generate(variant);
  });

  it('in dev, the team member applies deploy/overlays/dev by hand; the ReplicaSet creates its pod', async () => {
    const objects = await overlay(dir, 'dev');
    expect(objects.some((o) => o.kind === 'NetworkPolicy')).toBe(true);
    expect(await applyAll(asTeam, objects, 'kubectl')).toEqual([]);
    await podsCreated(`${TEAM}-dev`, variant.service);
    await remove(objects);
  }, 120_000);

  it.each(OVERLAYS)(
    'in %s, Argo CD may sync every object under the AppProject and its controller applies them; the ReplicaSet creates its pod',
    async (env) => {
      const objects = await overlay(dir, env);
      const namespace = `${TEAM}-${env}`;
      // What Argo CD evaluates, read back from the server: the AppProject and Application the platform applied.
      const project = (await client.get('argoproj.io/v1alpha1', 'AppProject', namespace, 'argocd')).body;
      const application = (await client.get('argoproj.io/v1alpha1', 'Application', `${TEAM}-${variant.service}-${env}`, 'argocd')).body;
      const scopes = new Map<string, boolean>();
      for (const o of objects) scopes.set(`${o.apiVersion}/${o.kind}`, await client.isNamespaced(o.apiVersion, o.kind));
      const decisions = evaluateSync(project, application, objects, (apiVersion, kind) => scopes.get(`${apiVersion}/${kind}`) ?? true);
      expect(decisions.filter((d) => !d.decision.allowed).map((d) => `${d.object}: ${d.decision.reason}`)).toEqual([]);
      expect(decisions.length).toBeGreaterThanOrEqual(objects.length);

      expect(await applyAll(asArgoCd, objects, 'argocd-controller')).toEqual([]);
      await podsCreated(namespace, variant.service);
      await remove(objects);
    },
    120_000,
  );
});

describe('the platform still holds the line for services', () => {
  it("Argo CD's rules refuse a service object of a platform-only kind, and the controller cannot overwrite the platform's policy", async () => {
    const project = (await client.get('argoproj.io/v1alpha1', 'AppProject', `${TEAM}-dev`, 'argocd')).body;
    const application = (await client.get('argoproj.io/v1alpha1', 'Application', `${TEAM}-${VARIANTS[0]!.service}-dev`, 'argocd')).body;
    const quota: KubeObject = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'more', namespace: `${TEAM}-dev` } };
    const [decision] = evaluateSync(project, application, [quota], () => true);
    expect(decision?.decision.allowed).toBe(false);
    // A service manifest that reuses the platform's policy name is refused at admission, whoever applies it.
    const hijack: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: `${TEAM}-dev` },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    };
    const reply = await asArgoCd.apply(hijack, { fieldManager: 'argocd-controller', force: true });
    expect(reply.status).toBe(403);
    expect(reply.message).toContain('paved-guardrails');
  });
});
