// The platform half of the road: `paved platform render` run as users run it, its output
// applied to the real API server, and pruned the way a GitOps applier prunes.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo, waitUntil, type KubeClient, type KubeObject } from '@paved/testkit';
import { run } from '../../../platform/src/cli.js';
import { loadConfig } from '../../../platform/src/config/load.js';
import type { Config } from '../../../platform/src/config/types.js';
import { objectKey } from '../../../platform/src/model/model.js';
import { ARGOCD_CONTROLLER, mustApply, parseYamlStream, platformObjectsInCluster, teamMember } from './cluster.js';

/** The field manager the platform applies with (Pulumi or the GitOps applier in real life). */
export const PLATFORM_MANAGER = 'paved-platform';

export const EXAMPLES = new URL('../../../platform/examples', import.meta.url).pathname;

/** Every kind `paved platform render` writes, in the order they are applied. */
export const RENDERED_KINDS = [
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' },
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ResourceQuota' },
  { apiVersion: 'v1', kind: 'LimitRange' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
] as const;

const order = (object: KubeObject): number => RENDERED_KINDS.findIndex((entry) => entry.kind === object.kind);

/** Runs `paved platform <args>` as users run it and returns what it printed; throws with its errors when it fails. */
export async function platformCommand(args: string[]): Promise<string[]> {
  const io = captureIo();
  const code = await run(args, io);
  if (code !== 0) throw new Error(`paved platform ${args.join(' ')} failed (${code}):\n${io.err()}`);
  return io.outLines;
}

/** Every object of the YAML files under `dir` (a render, or one folder of it), files in name order. */
export async function renderedObjects(dir: string): Promise<KubeObject[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.yaml')).map((entry) => join(entry.parentPath, entry.name));
  const objects: KubeObject[] = [];
  for (const file of files.sort()) objects.push(...parseYamlStream(await readFile(file, 'utf8')));
  return objects;
}

/** Runs `paved platform render` on a config folder and returns what it wrote, parsed, in apply order. */
export async function renderPlatform(configDir: string): Promise<KubeObject[]> {
  const out = await mkdtemp(join(tmpdir(), 'paved-e2e-render-'));
  try {
    await platformCommand(['render', '--config', configDir, '--out', join(out, 'rendered')]);
    const objects = await renderedObjects(join(out, 'rendered'));
    // The same cluster-wide object is written once per environment; the test cluster is all of them.
    const unique = new Map(objects.map((object) => [objectKey(object), object]));
    return [...unique.values()].sort((a, b) => order(a) - order(b));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function exampleConfig(): Promise<Config> {
  const loaded = await loadConfig(EXAMPLES);
  if (!loaded.ok) throw new Error('the example config is invalid');
  return loaded.config;
}

/**
 * Applies the render as the platform does (server-side, strict, as the platform's field
 * manager), then waits until it is in force. The API server's authorizer and admission see new
 * Roles and ValidatingAdmissionPolicies through informers, so for up to a few hundred
 * milliseconds after they are stored they do not yet act; the service-account controller makes
 * each namespace's "default" account, without which pods are refused.
 */
export async function applyPlatform(client: KubeClient, objects: KubeObject[]): Promise<void> {
  await mustApply(client, objects, { fieldManager: PLATFORM_MANAGER });
  const argocd = client.as(ARGOCD_CONTROLLER);
  const guarded = objects.some((object) => object.kind === 'ValidatingAdmissionPolicyBinding');
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? '';
    if (object.kind === 'Namespace')
      await waitUntil(
        `ServiceAccount default in ${object.metadata.name}`,
        async () => (await client.get('v1', 'ServiceAccount', 'default', object.metadata.name)).ok,
      );
    if (object.kind === 'NetworkPolicy' && object.metadata.name === 'default-deny' && guarded)
      await waitUntil(
        `paved-guardrails to be enforced in ${namespace}`,
        async () => (await argocd.delete('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', namespace, { dryRun: true })).status === 403,
      );
    if (object.kind === 'RoleBinding')
      for (const subject of (object as unknown as { subjects: { kind: string; name: string }[] }).subjects)
        await waitUntil(`the Role bound to ${subject.name} to be in force in ${namespace}`, () =>
          client.allowed(teamMember(subject.name), { verb: 'get', group: '', resource: 'pods', namespace }),
        );
  }
}

/**
 * Deletes the platform's objects that the render no longer has, as `kubectl apply --prune` or
 * Argo CD's prune would, and waits until they are gone. Applications and AppProjects carry
 * Argo CD's resources finalizer, which Argo CD's controller removes once it has deleted what
 * they deployed; no Argo CD controller runs here, so this stands in for it and removes the
 * finalizer itself. Namespaces are removed by the real namespace controller.
 */
export async function prunePlatform(client: KubeClient, desired: KubeObject[]): Promise<KubeObject[]> {
  const wanted = new Set(desired.map(objectKey));
  const stale = (await platformObjectsInCluster(client, RENDERED_KINDS)).filter((object) => !wanted.has(objectKey(object)));
  for (const object of stale.sort((a, b) => order(b) - order(a))) {
    const { apiVersion, kind, metadata } = object;
    const reply = await client.delete(apiVersion, kind, metadata.name, metadata.namespace);
    if (!reply.ok && reply.status !== 404) throw new Error(`pruning ${objectKey(object)} failed (${reply.status}): ${reply.message}`);
    if (kind === 'Application' || kind === 'AppProject')
      await client.mergePatch(apiVersion, kind, metadata.name, metadata.namespace, { metadata: { finalizers: null } });
  }
  for (const object of stale)
    await waitUntil(
      `${objectKey(object)} to be deleted`,
      async () => {
        const reply = await client.get(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
        return reply.status === 404;
      },
      60_000,
    );
  return stale;
}
