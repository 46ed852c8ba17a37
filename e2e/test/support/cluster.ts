// What every e2e test needs from the shared control plane: an admin client, Argo CD's CRDs and
// namespace as Argo CD's own install leaves them, and the platform's objects applied the way
// `paved platform render` writes them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeClient, toolPath, waitUntil, type Identity, type KubeObject } from '@paved/testkit';
import { LABELS } from '../../../platform/src/model/names.js';

export const admin = (): KubeClient => new KubeClient(inject('cluster'));

/** Argo CD's application controller as its standard install runs it: a service account bound to a ClusterRole on everything. */
export const ARGOCD_CONTROLLER: Identity = {
  user: 'system:serviceaccount:argocd:argocd-application-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'],
};

/** A member of a team as the API server sees them through OIDC: the group is prefixed, as platform.yaml's identity says. */
export const teamMember = (kubernetesGroup: string): Identity => ({
  user: `member-of-${kubernetesGroup.replace(/[^a-z0-9]+/gi, '-')}@example.com`,
  groups: [kubernetesGroup, 'system:authenticated'],
});

export function parseYamlStream(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

export async function mustApply(client: KubeClient, objects: KubeObject[], options: { fieldManager?: string } = {}): Promise<void> {
  for (const object of objects) {
    const reply = await client.apply(object, { ...options, force: true });
    if (!reply.ok)
      throw new Error(`applying ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name} failed (${reply.status}): ${reply.message}`);
  }
}

/** One install per API server (the Pulumi tests start a control plane per cluster). */
const argoInstalled = new Map<string, Promise<void>>();

/**
 * What Argo CD's install provides and the platform relies on: the Application and AppProject
 * CRDs (Argo CD's own manifests, from its Go module), the argocd namespace, the application
 * controller's service account bound to a ClusterRole on every resource, and the namespaces of
 * the ingress controller and observability stack that platform.yaml names. Idempotent.
 */
export function installPrerequisites(client: KubeClient): Promise<void> {
  const installed = argoInstalled.get(client.connection.server) ?? installArgoCd(client);
  argoInstalled.set(client.connection.server, installed);
  return installed;
}

async function installArgoCd(client: KubeClient): Promise<void> {
  const crds = [
    ...parseYamlStream(await readFile(join(toolPath('argo-cd-crds'), 'application-crd.yaml'), 'utf8')),
    ...parseYamlStream(await readFile(join(toolPath('argo-cd-crds'), 'appproject-crd.yaml'), 'utf8')),
  ];
  await mustApply(client, crds, { fieldManager: 'argocd-install' });
  for (const crd of crds)
    await waitUntil(`CRD ${crd.metadata.name} to be established`, async () => {
      const reply = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(crd.apiVersion, crd.kind, crd.metadata.name);
      return reply.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    });
  client.forgetDiscovery();
  const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await mustApply(client, [namespace('argocd'), namespace('ingress-nginx'), namespace('monitoring')], { fieldManager: 'argocd-install' });
  await mustApply(
    client,
    [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'argocd-application-controller', namespace: 'argocd' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'argocd-application-controller' },
        rules: [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['*'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'argocd-application-controller' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argocd-application-controller' },
        subjects: [{ kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: 'argocd' }],
      },
    ],
    { fieldManager: 'argocd-install' },
  );
}

/** The platform's own objects in the cluster (label app.kubernetes.io/managed-by=paved-platform), of the given kinds. */
export async function platformObjectsInCluster(client: KubeClient, kinds: ReadonlyArray<{ apiVersion: string; kind: string }>): Promise<KubeObject[]> {
  const selector = `${LABELS.managedBy}=paved-platform`;
  const found = await Promise.all(
    // A list's items carry no apiVersion and kind of their own.
    kinds.map(async ({ apiVersion, kind }) =>
      (await client.list(apiVersion, kind, { labelSelector: selector })).map((object) => ({ ...object, apiVersion, kind })),
    ),
  );
  return found.flat();
}
