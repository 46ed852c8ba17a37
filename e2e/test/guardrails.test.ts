// Every guardrail predicate (platform/src/guardrails.ts) shown on a real API server: for each rule,
// a request the rule exists to forbid, and the server refusing it. Rules only Argo CD enforces
// (what an AppProject permits) are asked of the AppProject evaluator, fed the AppProject and
// Applications the server holds, and the server shows that a team cannot change those objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IN_CLUSTER,
  evaluateSync,
  isDestinationPermitted,
  isKindPermitted,
  isSourcePermitted,
  type KubeClient,
  type KubeObject,
  type Reply,
  type SyncObject,
  waitUntil,
} from '@paved/testkit';
import { GUARDRAILS } from '../../platform/src/guardrails.js';
import { LABELS, MANAGED_BY } from '../../platform/src/model/names.js';
import { GARBAGE_COLLECTOR_USERS, PLATFORM_ONLY_KINDS, limitRange } from '../../platform/src/model/objects.js';
import { objectKey } from '../../platform/src/model/model.js';
import { ARGOCD_CONTROLLER, admin, installPrerequisites, platformObjectsInCluster, teamMember } from './support/cluster.js';
import { EXAMPLES, RENDERED_KINDS, applyPlatform, exampleConfig, renderPlatform } from './support/platform.js';
import { IMAGE, compliantPodSpec, pod } from './support/pods.js';

const client = admin();
const PAYMENTS_GROUP = 'oidc:acme:payments';
const payments = client.as(teamMember(PAYMENTS_GROUP));
const search = client.as(teamMember('oidc:acme:search'));
const argocd = client.as(ARGOCD_CONTROLLER);

const ARGOCD = 'argocd';
const DEV = 'payments-dev';
const PROD = 'payments-prod';
const POLICY_REFUSAL = "ValidatingAdmissionPolicy 'paved-guardrails' with binding 'paved-guardrails' denied request";
const GUARDRAIL_REFUSAL = 'is a guardrail of the Paved platform (app.kubernetes.io/managed-by=paved-platform)';
const LABEL_REFUSAL = 'only the Paved platform may label objects app.kubernetes.io/managed-by=paved-platform';
const RESTRICTED_REFUSAL = 'violates PodSecurity "restricted:latest"';
const WHY_ARGO = 'Argo CD enforces AppProjects; the API server only stores them';

let rendered: KubeObject[] = [];
/** Objects a test created for real (refused ones included, in case the server let one through). */
const made: KubeObject[] = [];
/** What the server answered, printed after the run when PAVED_E2E_REPORT is set. */
const seen: string[] = [];

// ---- helpers ----------------------------------------------------------------------------------

/** `kubectl create [--dry-run=server]`: a POST to the collection, with strict field validation. */
async function create<T = KubeObject>(as: KubeClient, object: KubeObject, options: { dryRun?: boolean } = {}): Promise<Reply<T>> {
  if (!options.dryRun) made.push(object);
  return as.create<T>(object, options);
}

/** A JSON merge patch run through every admission check and stored nowhere. */
const dryRunMergePatch = (as: KubeClient, apiVersion: string, kind: string, name: string, namespace: string | undefined, patch: unknown): Promise<Reply> =>
  as.mergePatch(apiVersion, kind, name, namespace, patch, { dryRun: true });

function expectRefused(id: string, what: string, reply: Reply<unknown>, status: number, ...fragments: string[]): void {
  seen.push(`[${id}] ${what}: ${reply.status} ${reply.message}`);
  expect(reply.status, `${what}: ${reply.message}`).toBe(status);
  for (const fragment of fragments) expect(reply.message, what).toContain(fragment);
}

function expectAccepted(id: string, what: string, reply: Reply<unknown>): void {
  seen.push(`[${id}] ${what}: ${reply.status}`);
  expect(reply.ok, `${what}: ${reply.status} ${reply.message}`).toBe(true);
}

/** RBAC's refusal for an impersonated user, as the authorizer words it. */
const rbacRefusal = (verb: string, resource: string, namespace?: string): string[] => [
  `cannot ${verb} resource "${resource}"`,
  ...(namespace ? [`in the namespace "${namespace}"`] : ['at the cluster scope']),
];

/**
 * The example platform's objects as the server holds them (read back, not the render). Other test
 * files apply platforms of their own to the same server: only the example's objects count here.
 */
async function held(): Promise<KubeObject[]> {
  const example = new Set(rendered.map(objectKey));
  return (await platformObjectsInCluster(client, RENDERED_KINDS)).filter((object) => example.has(objectKey(object)));
}

function predicate(id: string) {
  const guardrail = GUARDRAILS.find((g) => g.id === id);
  if (!guardrail) throw new Error(`no guardrail ${id}`);
  return guardrail;
}

/** The predicate, run over what the server holds, finds nothing: the server keeps what the rule wants. */
async function expectServerSatisfies(id: string): Promise<void> {
  expect(predicate(id).check(await held())).toEqual([]);
}

async function mustGet<T = KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T> {
  const reply = await client.get<T>(apiVersion, kind, name, namespace);
  if (!reply.ok) throw new Error(`reading ${kind} ${namespace ?? ''}/${name} failed (${reply.status}): ${reply.message}`);
  return reply.body;
}

type Ref = readonly [apiVersion: string, kind: string, name: string, namespace?: string];

const BOOKKEEPING = new Set(['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp']);
/** The object without the server's bookkeeping: what can be written back. */
const bare = (object: KubeObject): KubeObject => ({
  ...object,
  metadata: Object.fromEntries(Object.entries(object.metadata).filter(([key]) => !BOOKKEEPING.has(key))) as KubeObject['metadata'],
});
/** What an object is, for comparing before and after: its content without bookkeeping or status. */
const content = (object: KubeObject): string => JSON.stringify({ ...bare(object), status: undefined });

/**
 * Runs attempts the server should refuse, and undoes whatever it let through: each object is put
 * back as it was (by the admin, a platform identity), or made again if it was deleted. A re-apply
 * of the render would not do: server-side apply leaves fields another manager added.
 */
async function keeping(refs: readonly Ref[], attempts: () => Promise<void>): Promise<void> {
  const before = await Promise.all(refs.map(([apiVersion, kind, name, namespace]) => mustGet(apiVersion, kind, name, namespace)));
  // Put back whatever an attempt got through, even when an assertion failed: the next tests
  // need the guardrails as they were (a failure to restore is reported over the attempt's).
  const restore = async () => {
    for (const [i, [apiVersion, kind, name, namespace]] of refs.entries()) {
      const was = before[i]!;
      const now = await client.get(apiVersion, kind, name, namespace);
      if (now.ok && content(now.body) === content(was)) continue;
      const reply = now.ok
        ? await client.request('PUT', await client.pathOf(apiVersion, kind, namespace, name), {
            ...bare(was),
            metadata: { ...bare(was).metadata, resourceVersion: now.body.metadata.resourceVersion },
          })
        : await client.request('POST', await client.pathOf(apiVersion, kind, namespace), bare(was));
      if (!reply.ok) throw new Error(`restoring ${kind} ${namespace ?? ''}/${name} failed (${reply.status}): ${reply.message}`);
    }
  };
  try {
    await attempts();
  } finally {
    await restore();
  }
}

/** The example's team namespaces, as the server lists them (other files' teams left out). */
async function teamNamespaces(): Promise<string[]> {
  const example = rendered.filter((object) => object.kind === 'Namespace' && object.metadata.labels?.[LABELS.team] !== undefined).map((ns) => ns.metadata.name);
  const listed = await client.list('v1', 'Namespace', { labelSelector: `${LABELS.managedBy}=${MANAGED_BY},${LABELS.team}` });
  const found = listed.map((ns) => ns.metadata.name).filter((name) => example.includes(name));
  expect(found.sort()).toEqual([...example].sort());
  return found;
}

const privilegedPod = (name: string, namespace: string): KubeObject =>
  pod(name, namespace, {
    ...compliantPodSpec(),
    containers: [{ name: 'app', image: IMAGE, securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } }],
  });
const deployment = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: compliantPodSpec() } },
});

interface Quota {
  spec: { hard: Record<string, string> };
  status?: { hard?: Record<string, string> };
}
/** Quota admission enforces status.hard, which the quota controller fills in; until then it admits everything. */
async function quotaRecorded(namespace: string): Promise<void> {
  await waitUntil(
    `the quota controller to record team-quota status.hard in ${namespace}`,
    async () => {
      const quota = await mustGet<Quota>('v1', 'ResourceQuota', 'team-quota', namespace);
      return JSON.stringify(quota.status?.hard) === JSON.stringify(quota.spec.hard);
    },
    30_000,
  );
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);
const isNamespaced = (_apiVersion: string, kind: string): boolean => !CLUSTER_SCOPED.has(kind);
const syncObject = (apiVersion: string, kind: string, name: string, namespace?: string): SyncObject => ({
  apiVersion,
  kind,
  metadata: namespace ? { name, namespace } : { name },
});

/** The AppProject (or Application) of the payments team in dev, as the server holds it. */
const project = (name = DEV) => mustGet('argoproj.io/v1alpha1', 'AppProject', name, ARGOCD);
const application = (name = 'payments-checkout-dev') =>
  mustGet<KubeObject & { spec: Record<string, unknown> }>('argoproj.io/v1alpha1', 'Application', name, ARGOCD);

/** A team member changing its own AppProject on the server: RBAC gives teams nothing in argocd. */
async function expectTeamCannotPatchProject(id: string, patch: unknown): Promise<void> {
  await keeping([['argoproj.io/v1alpha1', 'AppProject', DEV, ARGOCD]], async () => {
    const before = await project();
    const reply = await payments.mergePatch('argoproj.io/v1alpha1', 'AppProject', DEV, ARGOCD, patch);
    expectRefused(id, 'payments member patches AppProject payments-dev', reply, 403, ...rbacRefusal('patch', 'appprojects', ARGOCD));
    expect((await project()).spec).toEqual(before.spec);
  });
}

const inCluster = (namespace: string) => ({ server: IN_CLUSTER.server, name: IN_CLUSTER.name, namespace });

// ---- the table: one entry per guardrail id, in GUARDRAILS' order ---------------------------

interface ServerCase {
  name: string;
  run: () => Promise<void>;
  timeout?: number;
}

const CASES: Record<string, ServerCase[]> = {
  'namespace-pod-security': [
    {
      name: "a privileged pod is refused in every team namespace, for the team and for Argo CD's controller (whom RBAC lets create anything)",
      run: async () => {
        const id = 'namespace-pod-security';
        await expectServerSatisfies(id);
        expectRefused(
          id,
          `payments member creates a privileged pod in ${DEV}`,
          await create(payments, privilegedPod('guardrail-privileged-team', DEV)),
          403,
          RESTRICTED_REFUSAL,
          'privileged (container "app" must not set securityContext.privileged=true)',
        );
        const namespaces = await teamNamespaces();
        expect(namespaces.length).toBeGreaterThanOrEqual(7);
        for (const ns of namespaces)
          expectRefused(
            id,
            `Argo CD's controller creates a privileged pod in ${ns}`,
            await create(argocd, privilegedPod('guardrail-privileged-argocd', ns)),
            403,
            RESTRICTED_REFUSAL,
          );
      },
    },
    {
      name: "the team cannot relabel its namespace to a weaker level (RBAC), nor can Argo CD's controller (paved-guardrails)",
      run: async () => {
        const id = 'namespace-pod-security';
        await keeping([['v1', 'Namespace', DEV]], async () => {
          const weaker = { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } };
          expectRefused(
            id,
            `payments member relabels ${DEV}`,
            await payments.mergePatch('v1', 'Namespace', DEV, undefined, weaker),
            403,
            ...rbacRefusal('patch', 'namespaces', DEV),
          );
          expectRefused(
            id,
            `Argo CD's controller relabels ${DEV}`,
            await argocd.mergePatch('v1', 'Namespace', DEV, undefined, weaker),
            403,
            POLICY_REFUSAL,
            `Namespace ${DEV} ${GUARDRAIL_REFUSAL}`,
          );
          const dropped = { metadata: { labels: { 'pod-security.kubernetes.io/enforce': null } } };
          expectRefused(
            id,
            `Argo CD's controller removes the enforce label of ${DEV}`,
            await argocd.mergePatch('v1', 'Namespace', DEV, undefined, dropped),
            403,
            POLICY_REFUSAL,
          );
          const ns = await mustGet('v1', 'Namespace', DEV);
          expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
        });
      },
    },
  ],

  'namespace-has-quota': [
    {
      name: "a pod over the quota is refused (the team's own override counts: search-dev allows 24Gi of memory requests)",
      timeout: 60_000,
      run: async () => {
        const id = 'namespace-has-quota';
        await expectServerSatisfies(id);
        await quotaRecorded(DEV);
        await quotaRecorded('search-dev');
        const cpu = { requests: { cpu: '5', memory: '256Mi' }, limits: { cpu: '5', memory: '256Mi' } };
        expectRefused(
          id,
          `payments member creates a pod requesting 5 CPUs in ${DEV}`,
          await create(payments, pod('guardrail-over-cpu', DEV, compliantPodSpec(cpu))),
          403,
          'exceeded quota: team-quota',
          'limited: requests.cpu=4',
        );
        const memory = { requests: { cpu: '100m', memory: '25Gi' }, limits: { cpu: '100m', memory: '25Gi' } };
        expectRefused(
          id,
          'search member creates a pod requesting 25Gi in search-dev',
          await create(search, pod('guardrail-over-memory', 'search-dev', compliantPodSpec(memory))),
          403,
          'exceeded quota: team-quota',
          'limited: requests.memory=24Gi',
        );
      },
    },
  ],

  'namespace-has-limits': [
    {
      name: "a pod without resources gets the LimitRange's defaults (equal to the model's) in every team namespace (server dry run: nothing stored)",
      run: async () => {
        const id = 'namespace-has-limits';
        await expectServerSatisfies(id);
        const config = await exampleConfig();
        for (const ns of await teamNamespaces()) {
          const team = config.teams.find((t) => ns.startsWith(`${t.id}-`));
          const env = config.platform.environments.find((e) => ns === `${team?.id}-${e.name}`);
          if (!team || !env) throw new Error(`${ns} is no namespace of the example config`);
          const model = limitRange(team, env).spec?.limits[0];
          const expected = { requests: model?.defaultRequest, limits: model?.default };
          const lr = await mustGet<{ spec: { limits: { type: string; default?: unknown; defaultRequest?: unknown }[] } }>(
            'v1',
            'LimitRange',
            'team-defaults',
            ns,
          );
          const item = lr.spec.limits.find((limit) => limit.type === 'Container');
          expect({ requests: item?.defaultRequest, limits: item?.default }, ns).toEqual(expected);
          const reply = await create<{ spec: { containers: { resources?: unknown }[] } }>(client, pod('guardrail-defaults', ns, compliantPodSpec()), {
            dryRun: true,
          });
          expectAccepted(id, `dry-run pod without resources in ${ns}`, reply);
          expect(reply.body.spec.containers[0]?.resources, ns).toEqual(expected);
        }
      },
    },
  ],

  'namespace-default-deny': [
    {
      name: 'the server holds default-deny (podSelector {}, Ingress and Egress, no rules) in every team namespace and nobody but the platform may change it; no CNI runs here, so the traffic it denies is not shown, only that the policy is held and kept',
      run: async () => {
        const id = 'namespace-default-deny';
        await expectServerSatisfies(id);
        for (const ns of await teamNamespaces()) {
          const policy = await mustGet<{ spec: unknown }>('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns);
          expect(policy.spec, ns).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
        }
        // RBAC lets the team write network policies (its services ship their own): the admission policy is what keeps this one.
        expect(
          await client.allowed(teamMember(PAYMENTS_GROUP), { verb: 'patch', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: DEV }),
        ).toBe(true);
        await keeping([['networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV]], async () => {
          const opened = { spec: { ingress: [{}] } };
          expectRefused(
            id,
            `payments member opens default-deny in ${DEV}`,
            await payments.mergePatch('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV, opened),
            403,
            POLICY_REFUSAL,
            `NetworkPolicy default-deny ${GUARDRAIL_REFUSAL}`,
          );
          expectRefused(
            id,
            `Argo CD's controller opens default-deny in ${DEV}`,
            await argocd.mergePatch('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV, opened),
            403,
            POLICY_REFUSAL,
            GUARDRAIL_REFUSAL,
          );
          const unlabel = { metadata: { labels: { [LABELS.managedBy]: 'the-team' } } };
          expectRefused(
            id,
            `payments member relabels default-deny in ${DEV} to escape the policy`,
            await payments.mergePatch('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV, unlabel),
            403,
            POLICY_REFUSAL,
            GUARDRAIL_REFUSAL,
          );
          const impostor: KubeObject = {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'guardrail-impostor', namespace: DEV, labels: { [LABELS.managedBy]: MANAGED_BY } },
            spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
          };
          expectRefused(
            id,
            `payments member creates a policy labelled as the platform's in ${DEV}`,
            await create(payments, impostor),
            403,
            POLICY_REFUSAL,
            LABEL_REFUSAL,
          );
          // The platform (system:masters) may: dry run, nothing changes.
          expectAccepted(
            id,
            'the platform opens default-deny (dry run)',
            await dryRunMergePatch(client, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV, opened),
          );
          const after = await mustGet<{ spec: unknown }>('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV);
          expect(after.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
        });
      },
    },
  ],

  'no-cluster-rbac': [
    {
      name: 'a team member cannot create a ClusterRoleBinding, a ClusterRole, or a RoleBinding to a ClusterRole in its own namespace',
      run: async () => {
        const id = 'no-cluster-rbac';
        await expectServerSatisfies(id);
        const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PAYMENTS_GROUP }];
        const crb: KubeObject = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'guardrail-payments-admin' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects,
        };
        expectRefused(
          id,
          'payments member creates a ClusterRoleBinding to cluster-admin',
          await create(payments, crb),
          403,
          ...rbacRefusal('create', 'clusterrolebindings'),
        );
        const cr: KubeObject = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'guardrail-payments-role' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        };
        expectRefused(id, 'payments member creates a ClusterRole', await create(payments, cr), 403, ...rbacRefusal('create', 'clusterroles'));
        const rb: KubeObject = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'guardrail-payments-admin', namespace: DEV },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects,
        };
        expectRefused(id, `payments member binds ClusterRole admin in ${DEV}`, await create(payments, rb), 403, ...rbacRefusal('create', 'rolebindings', DEV));
        expect(await client.allowed(teamMember(PAYMENTS_GROUP), { verb: 'list', group: '', resource: 'pods' })).toBe(false);
        expect(await client.allowed(teamMember(PAYMENTS_GROUP), { verb: 'list', group: '', resource: 'secrets' })).toBe(false);
      },
    },
  ],

  'rbac-owner-only': [
    {
      name: `another team's member is refused in ${DEV}; the owner is not`,
      run: async () => {
        const id = 'rbac-owner-only';
        await expectServerSatisfies(id);
        const bindings = await client.list<{ metadata: { name: string }; subjects?: unknown[] }>('rbac.authorization.k8s.io/v1', 'RoleBinding', {
          namespace: DEV,
        });
        expect(bindings.map((b) => [b.metadata.name, b.subjects])).toEqual([
          ['paved-team', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PAYMENTS_GROUP }]],
        ]);
        const podsPath = await client.pathOf('v1', 'Pod', DEV);
        expectRefused(id, `search member lists pods in ${DEV}`, await search.request('GET', podsPath), 403, ...rbacRefusal('list', 'pods', DEV));
        expectRefused(
          id,
          `search member creates a pod in ${DEV}`,
          await create(search, pod('guardrail-intruder', DEV, compliantPodSpec())),
          403,
          ...rbacRefusal('create', 'pods', DEV),
        );
        expectRefused(
          id,
          `search member lists secrets in ${DEV}`,
          await search.request('GET', await client.pathOf('v1', 'Secret', DEV)),
          403,
          ...rbacRefusal('list', 'secrets', DEV),
        );
        expectAccepted(id, `payments member lists pods in ${DEV}`, await payments.request('GET', podsPath));
      },
    },
  ],

  'rbac-no-guardrail-write': [
    {
      name: `a team member cannot write resourcequotas, limitranges, roles or rolebindings in ${DEV}, though it may read its quota and limits`,
      run: async () => {
        const id = 'rbac-no-guardrail-write';
        await expectServerSatisfies(id);
        const guarded: Ref[] = [
          ['v1', 'ResourceQuota', 'team-quota', DEV],
          ['v1', 'LimitRange', 'team-defaults', DEV],
          ['rbac.authorization.k8s.io/v1', 'Role', 'paved-team', DEV],
          ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'paved-team', DEV],
        ];
        await keeping(guarded, async () => {
          const quotaPatch = { spec: { hard: { 'requests.cpu': '64' } } };
          expectRefused(
            id,
            'payments member raises team-quota',
            await payments.mergePatch('v1', 'ResourceQuota', 'team-quota', DEV, quotaPatch),
            403,
            ...rbacRefusal('patch', 'resourcequotas', DEV),
          );
          expectRefused(
            id,
            'payments member deletes team-defaults',
            await payments.delete('v1', 'LimitRange', 'team-defaults', DEV),
            403,
            ...rbacRefusal('delete', 'limitranges', DEV),
          );
          const lr: KubeObject = {
            apiVersion: 'v1',
            kind: 'LimitRange',
            metadata: { name: 'guardrail-limits', namespace: DEV },
            spec: { limits: [{ type: 'Container', max: { cpu: '64' } }] },
          };
          expectRefused(id, 'payments member creates a LimitRange', await create(payments, lr), 403, ...rbacRefusal('create', 'limitranges', DEV));
          const role: KubeObject = {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'Role',
            metadata: { name: 'guardrail-everything', namespace: DEV },
            rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
          };
          expectRefused(id, 'payments member creates a Role', await create(payments, role), 403, ...rbacRefusal('create', 'roles', DEV));
          const widen = { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
          expectRefused(
            id,
            'payments member widens Role paved-team',
            await payments.mergePatch('rbac.authorization.k8s.io/v1', 'Role', 'paved-team', DEV, widen),
            403,
            ...rbacRefusal('patch', 'roles', DEV),
          );
          expectRefused(
            id,
            'payments member deletes RoleBinding paved-team',
            await payments.delete('rbac.authorization.k8s.io/v1', 'RoleBinding', 'paved-team', DEV),
            403,
            ...rbacRefusal('delete', 'rolebindings', DEV),
          );
        });
        expectAccepted(id, 'payments member reads team-quota', await payments.get('v1', 'ResourceQuota', 'team-quota', DEV));
        expectAccepted(id, 'payments member reads team-defaults', await payments.get('v1', 'LimitRange', 'team-defaults', DEV));
      },
    },
  ],

  'production-read-only': [
    {
      name: `a team member cannot create a Deployment in ${PROD} nor read secrets there, but reads its pods; its dev namespace it may write`,
      run: async () => {
        const id = 'production-read-only';
        await expectServerSatisfies(id);
        expectRefused(
          id,
          `payments member creates a Deployment in ${PROD}`,
          await create(payments, deployment('guardrail-prod-deploy', PROD)),
          403,
          ...rbacRefusal('create', 'deployments', PROD),
        );
        expectRefused(
          id,
          `payments member creates a pod in ${PROD}`,
          await create(payments, pod('guardrail-prod-pod', PROD, compliantPodSpec())),
          403,
          ...rbacRefusal('create', 'pods', PROD),
        );
        expectRefused(
          id,
          `payments member lists secrets in ${PROD}`,
          await payments.request('GET', await client.pathOf('v1', 'Secret', PROD)),
          403,
          ...rbacRefusal('list', 'secrets', PROD),
        );
        expectRefused(
          id,
          `payments member gets a secret in ${PROD}`,
          await payments.get('v1', 'Secret', 'database', PROD),
          403,
          ...rbacRefusal('get', 'secrets', PROD),
        );
        expectAccepted(id, `payments member lists pods in ${PROD}`, await payments.request('GET', await client.pathOf('v1', 'Pod', PROD)));
        expectAccepted(
          id,
          `payments member creates a Deployment in ${DEV} (dry run)`,
          await create(payments, deployment('guardrail-dev-deploy', DEV), { dryRun: true }),
        );
        // The Argo CD half: Applications bound for production, as the server holds them, sync only on request.
        const apps = await client.list<{ metadata: { name: string }; spec: { destination: { namespace: string }; syncPolicy?: { automated?: unknown } } }>(
          'argoproj.io/v1alpha1',
          'Application',
          {
            namespace: ARGOCD,
            labelSelector: `${LABELS.environment}=prod`,
          },
        );
        expect(apps.length).toBeGreaterThan(0);
        for (const app of apps) {
          expect(app.spec.destination.namespace.endsWith('-prod'), app.metadata.name).toBe(true);
          expect(app.spec.syncPolicy?.automated, app.metadata.name).toBeUndefined();
        }
      },
    },
  ],

  'appproject-no-wildcards': [
    {
      name: `the AppProject the server holds permits only the team's repositories and namespace, and a team member cannot widen it (${WHY_ARGO})`,
      run: async () => {
        const id = 'appproject-no-wildcards';
        await expectServerSatisfies(id);
        const held = await project();
        expect(isSourcePermitted(held, 'https://git.example.com/acme/checkout.git').allowed).toBe(true);
        for (const repo of ['https://git.example.com/acme/search-indexer.git', 'https://git.example.com/acme/anything-else.git']) {
          const decision = isSourcePermitted(held, repo);
          expect(decision, repo).toMatchObject({ allowed: false });
          expect(decision.reason).toContain('no sourceRepos entry matches it');
        }
        expect(isDestinationPermitted(held, inCluster('search-dev')).allowed).toBe(false);
        // What a wildcard project would allow, and that the server stores one without a word (dry run).
        const spec = held.spec as Record<string, unknown>;
        const wild: KubeObject = {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AppProject',
          metadata: { name: 'guardrail-wildcards', namespace: ARGOCD, labels: { ...held.metadata.labels } },
          spec: { ...spec, sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] },
        };
        expect(isSourcePermitted(wild, 'https://git.example.com/acme/search-indexer.git').allowed).toBe(true);
        expect(isDestinationPermitted(wild, inCluster('search-dev')).allowed).toBe(true);
        expect(predicate(id).check([wild]).length).toBeGreaterThan(0);
        expectAccepted(id, 'the API server stores an AppProject with wildcards (dry run)', await create(client, wild, { dryRun: true }));
        await expectTeamCannotPatchProject(id, { spec: { sourceRepos: ['*'] } });
      },
    },
  ],

  'appproject-no-cluster-resources': [
    {
      name: `the AppProject the server holds refuses a ClusterRole, a ClusterRoleBinding, a Namespace and a CRD, and a team member cannot whitelist them (${WHY_ARGO})`,
      run: async () => {
        const id = 'appproject-no-cluster-resources';
        await expectServerSatisfies(id);
        const held = await project();
        for (const [group, kind] of [
          ['rbac.authorization.k8s.io', 'ClusterRole'],
          ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
          ['', 'Namespace'],
          ['apiextensions.k8s.io', 'CustomResourceDefinition'],
        ] as const) {
          const decision = isKindPermitted(held, group, kind, false, 'anything');
          expect(decision, kind).toMatchObject({ allowed: false });
          expect(decision.reason).toContain('clusterResourceWhitelist is empty');
        }
        const app = await application();
        const verdict = evaluateSync(held, app, [syncObject('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'payments-admin')], isNamespaced);
        expect(verdict.map((v) => [v.object, v.decision.allowed])).toEqual([['ClusterRoleBinding//payments-admin', false]]);
        await expectTeamCannotPatchProject(id, { spec: { clusterResourceWhitelist: [{ group: '*', kind: '*' }] } });
      },
    },
  ],

  'appproject-denies-guardrails': [
    {
      name: `the AppProject the server holds refuses ResourceQuota, LimitRange, Role and RoleBinding, which the server itself would take from Argo CD's controller, and a team member cannot lift that (${WHY_ARGO})`,
      run: async () => {
        const id = 'appproject-denies-guardrails';
        await expectServerSatisfies(id);
        const held = await project();
        for (const { group, kind } of PLATFORM_ONLY_KINDS) {
          const decision = isKindPermitted(held, group, kind, true);
          expect(decision, kind).toMatchObject({ allowed: false });
          expect(decision.reason).toContain('namespaceResourceBlacklist');
        }
        expect(isKindPermitted(held, 'apps', 'Deployment', true).allowed).toBe(true);
        expect(isKindPermitted(held, 'networking.k8s.io', 'NetworkPolicy', true).allowed).toBe(true);
        // Why the AppProject must say it: RBAC gives Argo CD's controller everything, and the admission
        // policy keeps only the platform's labelled objects. A RoleBinding of the team's own is admitted (dry run).
        const grab: KubeObject = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'guardrail-team-admin', namespace: DEV },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PAYMENTS_GROUP }],
        };
        expectAccepted(id, "Argo CD's controller creates an unlabelled RoleBinding in payments-dev (dry run)", await create(argocd, grab, { dryRun: true }));
        const verdict = evaluateSync(held, await application(), [grab, syncObject('v1', 'ResourceQuota', 'more', DEV)], isNamespaced);
        expect(verdict.map((v) => [v.object, v.decision.allowed])).toEqual([
          [`RoleBinding/${DEV}/guardrail-team-admin`, false],
          [`ResourceQuota/${DEV}/more`, false],
        ]);
        await expectTeamCannotPatchProject(id, { spec: { namespaceResourceBlacklist: [] } });
      },
    },
  ],

  'appproject-own-namespaces': [
    {
      name: `the AppProject the server holds refuses another team's namespace and the team's other environments, and a team member cannot add one (${WHY_ARGO})`,
      run: async () => {
        const id = 'appproject-own-namespaces';
        await expectServerSatisfies(id);
        const held = await project();
        expect(isDestinationPermitted(held, inCluster(DEV)).allowed).toBe(true);
        for (const ns of ['search-dev', 'growth-lab-dev', 'payments-staging', PROD, 'kube-system', ARGOCD]) {
          const decision = isDestinationPermitted(held, inCluster(ns));
          expect(decision, ns).toMatchObject({ allowed: false });
          expect(decision.reason).toContain('no destinations entry matches it');
        }
        const verdict = evaluateSync(held, await application(), [syncObject('v1', 'ConfigMap', 'settings', 'search-dev')], isNamespaced);
        expect(verdict.map((v) => [v.object, v.decision.allowed])).toEqual([['ConfigMap/search-dev/settings', false]]);
        await expectTeamCannotPatchProject(id, { spec: { destinations: [{ server: IN_CLUSTER.server, namespace: 'search-dev' }] } });
      },
    },
  ],

  'application-own-project': [
    {
      name: `an Application naming another team's project is refused by that project, though the server stores it, and a team member can neither create nor repoint an Application (${WHY_ARGO})`,
      run: async () => {
        const id = 'application-own-project';
        await expectServerSatisfies(id);
        const app = await application();
        const own = await project();
        const other = await project('search-dev');
        const deploy = syncObject('apps/v1', 'Deployment', 'checkout');
        expect(evaluateSync(own, app, [deploy], isNamespaced).every((v) => v.decision.allowed)).toBe(true);
        const rogue: KubeObject = {
          apiVersion: app.apiVersion,
          kind: app.kind,
          metadata: { name: 'guardrail-rogue', namespace: ARGOCD, labels: { ...app.metadata.labels } },
          spec: { ...app.spec, project: 'search-dev' },
        };
        // Argo CD judges an Application by the project it names: search-dev has neither the repo nor the namespace.
        const verdict = evaluateSync(other, rogue, [deploy], isNamespaced);
        const refused = verdict.filter((v) => !v.decision.allowed);
        expect(refused.map((v) => v.object)).toEqual([
          `Application/${ARGOCD}/guardrail-rogue`,
          `Application/${ARGOCD}/guardrail-rogue`,
          `Deployment/${DEV}/checkout`,
        ]);
        expect(refused[0]?.decision.reason).toContain('does not permit source repo https://git.example.com/acme/checkout.git');
        expect(refused[1]?.decision.reason).toContain(`does not permit destination server ${IN_CLUSTER.server}, cluster in-cluster, namespace ${DEV}`);
        expect(evaluateSync(own, rogue, [deploy], isNamespaced)[0]?.decision.reason).toContain("belongs to project 'search-dev'");
        expect(
          predicate(id)
            .check([...(await held()), rogue])
            .map((v) => v.object),
        ).toEqual([`Application/${ARGOCD}/guardrail-rogue`]);
        expectAccepted(id, "the API server stores an Application naming another team's project (dry run)", await create(client, rogue, { dryRun: true }));
        expectRefused(
          id,
          'payments member creates an Application',
          await create(payments, { ...rogue, metadata: { ...rogue.metadata, name: 'guardrail-rogue-team' } }),
          403,
          ...rbacRefusal('create', 'applications', ARGOCD),
        );
        await keeping([['argoproj.io/v1alpha1', 'Application', app.metadata.name, ARGOCD]], async () => {
          expectRefused(
            id,
            'payments member repoints its Application',
            await payments.mergePatch(app.apiVersion, app.kind, app.metadata.name, ARGOCD, { spec: { project: 'search-dev' } }),
            403,
            ...rbacRefusal('patch', 'applications', ARGOCD),
          );
          expect((await application()).spec.project).toBe(DEV);
        });
      },
    },
  ],

  'admission-protects-guardrails': [
    {
      name: `deleting default-deny is refused for the team and for Argo CD's controller, as is any change to the platform's quota, limits, RBAC and namespace by Argo CD's controller; the platform itself may (dry run)`,
      run: async () => {
        const id = 'admission-protects-guardrails';
        await expectServerSatisfies(id);
        const guarded: Ref[] = [
          ['networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV],
          ['networking.k8s.io/v1', 'NetworkPolicy', 'allow-same-namespace', DEV],
          ['v1', 'ResourceQuota', 'team-quota', DEV],
          ['v1', 'LimitRange', 'team-defaults', DEV],
          ['rbac.authorization.k8s.io/v1', 'Role', 'paved-team', DEV],
          ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'paved-team', DEV],
          ['v1', 'Namespace', DEV],
        ];
        await keeping(guarded, async () => {
          expectRefused(
            id,
            `payments member deletes default-deny in ${DEV}`,
            await payments.delete('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV),
            403,
            POLICY_REFUSAL,
            `NetworkPolicy default-deny ${GUARDRAIL_REFUSAL}`,
          );
          expectRefused(
            id,
            `Argo CD's controller deletes default-deny in ${DEV}`,
            await argocd.delete('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV),
            403,
            POLICY_REFUSAL,
            GUARDRAIL_REFUSAL,
          );
          for (const [apiVersion, kind, name] of [
            ['v1', 'ResourceQuota', 'team-quota'],
            ['v1', 'LimitRange', 'team-defaults'],
            ['rbac.authorization.k8s.io/v1', 'Role', 'paved-team'],
            ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'paved-team'],
            ['networking.k8s.io/v1', 'NetworkPolicy', 'allow-same-namespace'],
          ] as const) {
            expectRefused(
              id,
              `Argo CD's controller deletes ${kind} ${name} in ${DEV}`,
              await argocd.delete(apiVersion, kind, name, DEV),
              403,
              POLICY_REFUSAL,
              `${kind} ${name} ${GUARDRAIL_REFUSAL}`,
            );
            const relabel = { metadata: { labels: { [LABELS.managedBy]: 'argocd' } } };
            expectRefused(
              id,
              `Argo CD's controller relabels ${kind} ${name} in ${DEV}`,
              await argocd.mergePatch(apiVersion, kind, name, DEV, relabel),
              403,
              POLICY_REFUSAL,
              GUARDRAIL_REFUSAL,
            );
          }
          const impostorQuota: KubeObject = {
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'guardrail-impostor', namespace: DEV, labels: { [LABELS.managedBy]: MANAGED_BY } },
            spec: { hard: { pods: '1000' } },
          };
          expectRefused(
            id,
            "Argo CD's controller creates a ResourceQuota labelled as the platform's",
            await create(argocd, impostorQuota),
            403,
            POLICY_REFUSAL,
            LABEL_REFUSAL,
          );
          // The namespace itself: a dry run, so that a failure here cannot take the namespace away.
          expectRefused(
            id,
            `Argo CD's controller deletes namespace ${DEV} (dry run)`,
            await argocd.delete('v1', 'Namespace', DEV, undefined, { dryRun: true }),
            403,
            POLICY_REFUSAL,
            `Namespace ${DEV} ${GUARDRAIL_REFUSAL}`,
          );
        });
        expectAccepted(
          id,
          'the platform deletes default-deny (dry run)',
          await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', DEV, { dryRun: true }),
        );
        for (const [apiVersion, kind, name] of [
          ['networking.k8s.io/v1', 'NetworkPolicy', 'default-deny'],
          ['v1', 'ResourceQuota', 'team-quota'],
          ['v1', 'LimitRange', 'team-defaults'],
          ['rbac.authorization.k8s.io/v1', 'Role', 'paved-team'],
          ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'paved-team'],
        ] as const) {
          const still = await mustGet(apiVersion, kind, name, DEV);
          expect(still.metadata.labels?.[LABELS.managedBy], `${kind} ${name}`).toBe(MANAGED_BY);
        }
      },
    },
    {
      name: 'a guardrail the platform deletes in the foreground is finished by the garbage collector, which removes its finalizer; the team still cannot change it meanwhile',
      run: async () => {
        const id = 'admission-protects-guardrails';
        const probe: KubeObject = {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          // A finalizer of the test's own holds the deletion open, as foregroundDeletion does while dependents go.
          metadata: { name: 'foreground-probe', namespace: DEV, labels: { [LABELS.managedBy]: MANAGED_BY }, finalizers: ['paved.dev/e2e-hold'] },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        };
        expectAccepted(id, 'the platform creates a guardrail', await create(client, probe));
        expectAccepted(id, 'the platform deletes it', await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'foreground-probe', DEV));
        const relabel = { metadata: { labels: { [LABELS.managedBy]: 'payments' } } };
        expectRefused(
          id,
          'payments member changes the guardrail while it is being deleted',
          await payments.mergePatch('networking.k8s.io/v1', 'NetworkPolicy', 'foreground-probe', DEV, relabel),
          403,
          POLICY_REFUSAL,
          GUARDRAIL_REFUSAL,
        );
        const collector = client.as({
          user: GARBAGE_COLLECTOR_USERS[0],
          groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
        });
        expectAccepted(
          id,
          'the garbage collector removes the finalizer',
          await collector.mergePatch('networking.k8s.io/v1', 'NetworkPolicy', 'foreground-probe', DEV, { metadata: { finalizers: null } }),
        );
        await waitUntil(
          'foreground-probe to be gone',
          async () => (await client.get('networking.k8s.io/v1', 'NetworkPolicy', 'foreground-probe', DEV)).status === 404,
        );
      },
    },
  ],
};

// ---- the run ------------------------------------------------------------------------------------

beforeAll(async () => {
  await installPrerequisites(client);
  rendered = await renderPlatform(EXAMPLES);
  await applyPlatform(client, rendered);
}, 60_000);

afterAll(async () => {
  // Whatever a test managed to create is removed, and the platform's objects are put back as rendered.
  for (const object of made) {
    const reply = await client.delete(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
    if (!reply.ok && reply.status !== 404) throw new Error(`cleaning up ${object.kind} ${object.metadata.name} failed (${reply.status}): ${reply.message}`);
  }
  if (rendered.length) await applyPlatform(client, rendered);
  if (process.env.PAVED_E2E_REPORT) process.stdout.write(`${seen.join('\n')}\n`);
});

describe('guardrails on a real API server', () => {
  it('every guardrail predicate has a case on the real server', () => {
    expect(Object.keys(CASES)).toEqual(GUARDRAILS.map((g) => g.id));
    for (const [id, cases] of Object.entries(CASES)) expect(cases.length, id).toBeGreaterThan(0);
  });

  for (const [id, cases] of Object.entries(CASES))
    describe(id, () => {
      for (const serverCase of cases) it(serverCase.name, serverCase.run, serverCase.timeout);
    });
});
