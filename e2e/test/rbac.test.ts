// What a team may do in the cluster, asked of the real API server: an RBAC matrix whose
// expected answers come from the model's own Role and RoleBinding objects (a small evaluator
// of PolicyRules, not a second copy of the rules), and escalation attempts made as a team
// member and as Argo CD's controller, refused by RBAC or by the platform's admission policy.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Access, Identity, KubeClient, KubeObject, Reply } from '@paved/testkit';
import { buildModel, type DesiredState } from '../../platform/src/model/model.js';
import { GUARDRAIL_POLICY, TEAM_ROLE, kubernetesGroup } from '../../platform/src/model/objects.js';
import { LABELS, MANAGED_BY, namespaceName } from '../../platform/src/model/names.js';
import type { Config } from '../../platform/src/config/types.js';
import { ARGOCD_CONTROLLER, admin, installPrerequisites, teamMember } from './support/cluster.js';
import { EXAMPLES, applyPlatform, exampleConfig, renderPlatform } from './support/platform.js';

const client = admin();

let config: Config;
let model: DesiredState;
let rendered: KubeObject[];

beforeAll(async () => {
  await installPrerequisites(client);
  rendered = await renderPlatform(EXAMPLES);
  await applyPlatform(client, rendered);
  config = await exampleConfig();
  model = buildModel(config);
});

// ---------------------------------------------------------------------------------------------
// A PolicyRule evaluator, as Kubernetes' RBAC authorizer matches rules (rbac/v1 helpers:
// VerbMatches, APIGroupMatches, ResourceMatches with "*" and "*/subresource", ResourceNameMatches),
// applied to the Roles that the namespace's RoleBindings bind to the identity.
// ---------------------------------------------------------------------------------------------

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}
interface RoleObject {
  kind: 'Role';
  metadata: { name: string; namespace: string };
  rules: Rule[];
}
interface BindingObject {
  kind: 'RoleBinding';
  metadata: { name: string; namespace: string };
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

/** A SubjectAccessReview's question, as the server is asked it. */
type Question = Access;

const ruleAllows = (rule: Rule, q: Question): boolean => {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(q.verb)) return false;
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(q.group)) return false;
  const combined = q.subresource ? `${q.resource}/${q.subresource}` : q.resource;
  const resourceMatches = (rule.resources ?? []).some(
    (resource) => resource === '*' || resource === combined || (q.subresource !== undefined && resource === `*/${q.subresource}`),
  );
  if (!resourceMatches) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (q.name !== undefined && names.includes(q.name));
};

const subjectMatches = (subject: BindingObject['subjects'][number], who: Identity): boolean => {
  switch (subject.kind) {
    case 'Group':
      return who.groups.includes(subject.name);
    case 'User':
      return who.user === subject.name;
    case 'ServiceAccount':
      return who.user === `system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`;
    default:
      throw new Error(`unknown subject kind ${subject.kind}`);
  }
};

/** The model's RBAC objects, indexed by namespace. */
interface ModelRbac {
  roles: Map<string, RoleObject[]>;
  bindings: Map<string, BindingObject[]>;
}

function modelRbac(state: DesiredState): ModelRbac {
  const roles = new Map<string, RoleObject[]>();
  const bindings = new Map<string, BindingObject[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const unit of state.units)
    for (const object of unit.tenant) {
      // The builders' types are kubernetes-models'; the evaluator reads the plain fields.
      const plain = object as unknown as { kind: string; metadata: { namespace?: string } };
      if (plain.kind === 'Role') push(roles, plain.metadata.namespace ?? '', plain as unknown as RoleObject);
      if (plain.kind === 'RoleBinding') push(bindings, plain.metadata.namespace ?? '', plain as unknown as BindingObject);
      if (plain.kind === 'ClusterRole' || plain.kind === 'ClusterRoleBinding') throw new Error('the evaluator knows no cluster-wide RBAC objects of the model');
    }
  // Cluster-wide objects of the model are admission policies only: no ClusterRoles, no ClusterRoleBindings.
  for (const cluster of state.clusters)
    for (const object of cluster.objects)
      if (object.kind.startsWith('Cluster')) throw new Error(`the model has a ${object.kind}: teach the evaluator about it`);
  return { roles, bindings };
}

/** The model's answer: does a Role bound to this identity in q.namespace allow q? Cluster-scoped: nothing is bound. */
function modelAllows(rbac: ModelRbac, who: Identity, q: Question): boolean {
  if (q.namespace === undefined) return false;
  const roles = rbac.roles.get(q.namespace) ?? [];
  return (rbac.bindings.get(q.namespace) ?? [])
    .filter((binding) => binding.subjects.some((subject) => subjectMatches(subject, who)))
    .flatMap((binding) => {
      if (binding.roleRef.kind !== 'Role')
        throw new Error(`RoleBinding ${binding.metadata.name} refers to a ${binding.roleRef.kind}: unknown to the evaluator`);
      return roles.filter((role) => role.metadata.name === binding.roleRef.name);
    })
    .some((role) => role.rules.some((rule) => ruleAllows(rule, q)));
}

// ---------------------------------------------------------------------------------------------
// The matrix: identities × namespaces × resources × verbs.
// ---------------------------------------------------------------------------------------------

const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RBAC_VERBS = [...STANDARD_VERBS, 'escalate', 'bind', 'impersonate'];

interface Target {
  group: string;
  /** resource or resource/subresource */
  resource: string;
  verbs: string[];
}
const t = (group: string, resource: string, verbs: string[] = STANDARD_VERBS): Target => ({ group, resource, verbs });

const NAMESPACED: Target[] = [
  // Workloads and their configuration.
  t('', 'pods'),
  t('', 'pods/exec'),
  t('', 'pods/log'),
  t('', 'pods/portforward'),
  t('', 'pods/attach'),
  t('', 'pods/ephemeralcontainers'),
  t('apps', 'deployments'),
  t('apps', 'deployments/scale'),
  t('apps', 'replicasets'),
  t('apps', 'statefulsets'),
  t('apps', 'statefulsets/scale'),
  t('', 'services'),
  t('', 'configmaps'),
  t('', 'persistentvolumeclaims'),
  t('', 'serviceaccounts', [...STANDARD_VERBS, 'impersonate']),
  t('', 'serviceaccounts/token'),
  t('batch', 'jobs'),
  t('batch', 'cronjobs'),
  t('autoscaling', 'horizontalpodautoscalers'),
  t('policy', 'poddisruptionbudgets'),
  t('networking.k8s.io', 'ingresses'),
  t('', 'events'),
  // Secrets, and what routes a Service's traffic.
  t('', 'secrets'),
  t('', 'endpoints'),
  t('discovery.k8s.io', 'endpointslices'),
  // Every guardrail kind.
  t('', 'resourcequotas'),
  t('', 'limitranges'),
  t('networking.k8s.io', 'networkpolicies'),
  t('rbac.authorization.k8s.io', 'roles', RBAC_VERBS),
  t('rbac.authorization.k8s.io', 'rolebindings', RBAC_VERBS),
  // Argo CD's objects (asked in every namespace; they live in argocd).
  t('argoproj.io', 'appprojects'),
  t('argoproj.io', 'applications'),
];

const CLUSTER_SCOPED: Target[] = [
  t('', 'namespaces'),
  t('', 'nodes'),
  t('', 'persistentvolumes'),
  t('rbac.authorization.k8s.io', 'clusterroles', RBAC_VERBS),
  t('rbac.authorization.k8s.io', 'clusterrolebindings', RBAC_VERBS),
  t('admissionregistration.k8s.io', 'validatingadmissionpolicies'),
  t('admissionregistration.k8s.io', 'validatingadmissionpolicybindings'),
  t('apiextensions.k8s.io', 'customresourcedefinitions'),
  t('', 'users', ['impersonate']),
  t('', 'groups', ['impersonate']),
];

interface Check {
  who: string;
  identity: Identity;
  q: Question;
  expected: boolean;
  server?: boolean;
}

const question = (target: Target, verb: string, namespace?: string): Question => {
  const [resource = '', subresource] = target.resource.split('/');
  return { verb, group: target.group, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}) };
};

/** Runs tasks with at most `limit` in flight. */
async function pooled<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const describeCheck = (c: Check): string =>
  `${c.who} ${c.q.namespace ?? '(cluster)'} ${c.q.verb} ${c.q.group ? `${c.q.group}/` : ''}${c.q.resource}${c.q.subresource ? `/${c.q.subresource}` : ''}: model ${c.expected ? 'allows' : 'refuses'}, server ${c.server ? 'allows' : 'refuses'}`;

describe('RBAC matrix: the server answers what the model says', () => {
  let checks: Check[] = [];

  it('every team member × namespace × resource × verb', { timeout: 120_000 }, async () => {
    const rbac = modelRbac(model);
    const teamNamespaces = model.units.map((unit) => namespaceName(unit.team, unit.environment));
    // The model's Namespace objects are the same namespaces.
    const modelNamespaces = model.units.flatMap((unit) => unit.tenant.filter((object) => object.kind === 'Namespace').map((object) => object.metadata?.name));
    expect(modelNamespaces.sort()).toEqual([...teamNamespaces].sort());
    // Namespaces that are not a team's: Argo CD's (where its objects live) and the system's.
    const otherNamespaces = ['argocd', 'default', 'kube-system'];

    // One member per team; its group is the one the model's RoleBindings name.
    const identities = config.teams.map((team) => {
      const group = kubernetesGroup(config.platform, team);
      const bound = model.units
        .filter((unit) => unit.team === team.id)
        .flatMap((unit) =>
          (rbac.bindings.get(namespaceName(unit.team, unit.environment)) ?? []).flatMap((binding) => binding.subjects.map((subject) => subject.name)),
        );
      expect(new Set(bound), `${team.id}'s RoleBindings`).toEqual(new Set([group]));
      return { who: `${team.id}-member`, identity: teamMember(group) };
    });
    // And someone signed in who is in no team: the model grants them nothing.
    identities.push({ who: 'no-team', identity: { user: 'someone@example.com', groups: ['system:authenticated'] } });

    checks = [];
    for (const { who, identity } of identities) {
      for (const namespace of [...teamNamespaces, ...otherNamespaces])
        for (const target of NAMESPACED)
          for (const verb of target.verbs) {
            const q = question(target, verb, namespace);
            checks.push({ who, identity, q, expected: modelAllows(rbac, identity, q) });
          }
      for (const target of CLUSTER_SCOPED)
        for (const verb of target.verbs) {
          const q = question(target, verb);
          checks.push({ who, identity, q, expected: modelAllows(rbac, identity, q) });
        }
    }
    // Cluster-wide objects and Argo CD's objects: no team may touch them through Kubernetes RBAC
    // (teams reach Argo CD only through Argo CD's own RBAC, the AppProject's roles).
    for (const check of checks)
      if (check.q.namespace === undefined || check.q.group === 'argoproj.io' || otherNamespaces.includes(check.q.namespace))
        expect(check.expected, describeCheck(check)).toBe(false);

    const started = Date.now();
    await pooled(checks, 16, async (check) => {
      check.server = await client.allowed(check.identity, check.q);
    });
    const allowed = checks.filter((check) => check.server).length;
    console.log(
      `rbac matrix: ${checks.length} checks (${identities.length} identities, ${teamNamespaces.length + otherNamespaces.length} namespaces + cluster scope) in ${Date.now() - started} ms; server allowed ${allowed}, refused ${checks.length - allowed}`,
    );

    const mismatches = checks.filter((check) => check.server !== check.expected);
    expect(mismatches.map(describeCheck)).toEqual([]);
  });

  it('the matrix holds both answers, and the obvious ones are right', () => {
    expect(checks.length).toBeGreaterThan(1000);
    expect(checks.some((check) => check.expected && check.server)).toBe(true);
    expect(checks.some((check) => !check.expected && check.server === false)).toBe(true);
    const answer = (who: string, namespace: string, verb: string, group: string, resource: string) => {
      const found = checks.find(
        (c) => c.who === who && c.q.namespace === namespace && c.q.verb === verb && c.q.group === group && c.q.resource === resource && !c.q.subresource,
      );
      if (!found) throw new Error(`no check for ${who} ${verb} ${resource} in ${namespace}`);
      return { expected: found.expected, server: found.server };
    };
    expect(answer('payments-member', 'payments-dev', 'create', 'apps', 'deployments')).toEqual({ expected: true, server: true });
    expect(answer('payments-member', 'payments-prod', 'create', 'apps', 'deployments')).toEqual({ expected: false, server: false });
    expect(answer('payments-member', 'search-dev', 'create', 'apps', 'deployments')).toEqual({ expected: false, server: false });
    expect(answer('payments-member', 'payments-prod', 'get', 'apps', 'deployments')).toEqual({ expected: true, server: true });
    expect(answer('payments-member', 'payments-prod', 'get', '', 'secrets')).toEqual({ expected: false, server: false });
    expect(answer('payments-member', 'payments-dev', 'create', '', 'endpoints')).toEqual({ expected: false, server: false });
  });

  it("the expectations come from the model's Role objects: a Role without its secrets rule disagrees exactly on secrets", () => {
    const changed = structuredClone(model);
    for (const unit of changed.units)
      for (const object of unit.tenant) if (object.kind === 'Role') object.rules = object.rules?.filter((rule) => !rule.resources?.includes('secrets'));
    const perturbed = modelRbac(changed);
    const disagreeing = checks.filter((check) => modelAllows(perturbed, check.identity, check.q) !== check.server);
    expect(disagreeing.length).toBeGreaterThan(0);
    expect(disagreeing).toEqual(checks.filter((check) => check.q.resource === 'secrets' && check.server === true));
  });
});

// ---------------------------------------------------------------------------------------------
// Escalation attempts: real requests, made as the identity (dryRun=All where a success would
// change the shared cluster; a dry run is still authorized and admitted in full).
// ---------------------------------------------------------------------------------------------

// Attempts are dry runs unless a call says otherwise.
const create = (as: KubeClient, object: KubeObject, dryRun = true): Promise<Reply> => as.create(object, { dryRun });
const update = (as: KubeClient, object: KubeObject, dryRun = true): Promise<Reply> => as.update(object, { dryRun });
const patch = (as: KubeClient, apiVersion: string, kind: string, name: string, namespace: string | undefined, body: unknown, dryRun = true): Promise<Reply> =>
  as.mergePatch(apiVersion, kind, name, namespace, body, { dryRun });
const deleteCollection = (as: KubeClient, apiVersion: string, kind: string, namespace: string, dryRun = true): Promise<Reply> =>
  as.deleteCollection(apiVersion, kind, namespace, { dryRun });

/** Every attempt and the server's answer, printed at the end of each test for the record. */
const attempts: string[] = [];
const shorten = (message: string): string => (message.length > 260 ? `${message.slice(0, 260)}…` : message);
function record(who: string, what: string, reply: Reply): Reply {
  attempts.push(`${who} | ${what} | ${reply.status} | ${shorten(reply.message) || 'ok'}`);
  return reply;
}

/** Refused by RBAC: the authorizer's message, before any admission. */
function expectRbacRefusal(reply: Reply, context: string): void {
  expect(reply.status, `${context}: ${reply.message}`).toBe(403);
  expect(reply.message, context).toMatch(/is forbidden: User ".*" cannot [a-z]+ resource/);
}

/**
 * Refused by the platform's admission policy (RBAC let it through), with the policy's own
 * message naming the label — also for a deletecollection, whose request carries no name.
 */
function expectGuardrailRefusal(reply: Reply, context: string): void {
  expect([403, 422], `${context}: ${reply.message}`).toContain(reply.status);
  expect(reply.message, context).toContain(`ValidatingAdmissionPolicy '${GUARDRAIL_POLICY}'`);
  expect(reply.message, context).not.toMatch(/cannot [a-z]+ resource/);
  expect(reply.message, context).toContain(`${LABELS.managedBy}=${MANAGED_BY}`);
}

const platformLabels = (team: string, env: string): Record<string, string> => ({
  [LABELS.team]: team,
  [LABELS.environment]: env,
  [LABELS.managedBy]: MANAGED_BY,
});

const networkPolicy = (name: string, namespace: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace, labels },
  spec: {
    podSelector: { matchLabels: { app: 'checkout' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'ledger' } } }] }],
  },
});

describe('escalation attempts fail on the real server', () => {
  afterEach(() => {
    if (attempts.length > 0) console.log(attempts.splice(0).join('\n'));
  });

  const payments = () => {
    const team = config.teams.find((candidate) => candidate.id === 'payments');
    if (!team) throw new Error('the example config has no payments team');
    return teamMember(kubernetesGroup(config.platform, team));
  };

  it('a payments member cannot widen its own access', { timeout: 60_000 }, async () => {
    const identity = payments();
    const member = client.as(identity);
    const ns = 'payments-dev';
    const who = 'payments-member';

    expectRbacRefusal(
      record(
        who,
        `create RoleBinding to ClusterRole admin in ${ns}`,
        await create(member, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'payments-admin', namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: identity.groups[0]! }],
        }),
      ),
      'RoleBinding to admin',
    );
    expectRbacRefusal(
      record(
        who,
        `create Role with * in ${ns}`,
        await create(member, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'everything', namespace: ns },
          rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
        }),
      ),
      'Role with *',
    );
    expectRbacRefusal(
      record(
        who,
        `patch Role ${TEAM_ROLE} in ${ns} to *`,
        await patch(member, 'rbac.authorization.k8s.io/v1', 'Role', TEAM_ROLE, ns, { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }),
      ),
      'patch paved-team Role',
    );
    expectRbacRefusal(
      record(
        who,
        `patch Namespace ${ns} pod-security enforce=privileged`,
        await patch(member, 'v1', 'Namespace', ns, undefined, { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }),
      ),
      'namespace label',
    );
    expectRbacRefusal(
      record(who, 'create Namespace payments-sandbox', await create(member, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-sandbox' } })),
      'create namespace',
    );

    // Argo CD's AppProject: teams reach it only through Argo CD's own RBAC.
    const project = await client.get<KubeObject & { spec: { destinations: unknown[] } }>('argoproj.io/v1alpha1', 'AppProject', ns, 'argocd');
    expect(project.ok, project.message).toBe(true);
    const widened = { ...project.body, spec: { ...project.body.spec, destinations: [{ server: '*', namespace: '*' }] } };
    expectRbacRefusal(record(who, `update AppProject argocd/${ns} (destinations *)`, await update(member, widened)), 'update AppProject');
    expectRbacRefusal(
      record(who, `delete AppProject argocd/${ns}`, await member.delete('argoproj.io/v1alpha1', 'AppProject', ns, 'argocd', { dryRun: true })),
      'delete AppProject',
    );

    // Endpoints are read-only (CVE-2021-25740), EndpointSlices too.
    expectRbacRefusal(
      record(
        who,
        `create Endpoints in ${ns}`,
        await create(member, {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: 'checkout', namespace: ns },
          subsets: [{ addresses: [{ ip: '10.0.0.10' }], ports: [{ port: 8080 }] }],
        }),
      ),
      'create endpoints',
    );
    expectRbacRefusal(
      record(
        who,
        `create EndpointSlice in ${ns}`,
        await create(member, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'checkout-x', namespace: ns, labels: { 'kubernetes.io/service-name': 'checkout' } },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['10.0.0.10'] }],
          ports: [{ port: 8080 }],
        }),
      ),
      'create endpointslice',
    );
    // Nor may a member mint tokens for, or act as, the namespace's service accounts.
    expectRbacRefusal(
      record(
        who,
        `create serviceaccounts/token default in ${ns}`,
        await member.request('POST', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: [] },
        }),
      ),
      'token request',
    );
  });

  it("a payments member cannot touch the platform's network policies, but writes its own in dev and none in prod", { timeout: 60_000 }, async () => {
    const identity = payments();
    const member = client.as(identity);
    const ns = 'payments-dev';
    const who = 'payments-member';

    // RBAC lets a dev member write network policies: what refuses below is admission.
    for (const verb of ['delete', 'patch', 'create', 'deletecollection'])
      expect(await client.allowed(identity, { verb, group: 'networking.k8s.io', resource: 'networkpolicies', namespace: ns }), verb).toBe(true);

    expectGuardrailRefusal(
      record(
        who,
        `delete NetworkPolicy ${ns}/default-deny`,
        await member.delete('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns, { dryRun: true }),
      ),
      'delete default-deny',
    );
    expectGuardrailRefusal(
      record(
        who,
        `patch NetworkPolicy ${ns}/allow-dns (egress to anywhere)`,
        await patch(member, 'networking.k8s.io/v1', 'NetworkPolicy', 'allow-dns', ns, { spec: { egress: [{}] } }),
      ),
      'patch allow-dns',
    );
    expectGuardrailRefusal(
      record(
        who,
        `patch NetworkPolicy ${ns}/allow-dns managed-by=payments`,
        await patch(member, 'networking.k8s.io/v1', 'NetworkPolicy', 'allow-dns', ns, { metadata: { labels: { [LABELS.managedBy]: 'payments' } } }),
      ),
      'relabel allow-dns',
    );
    expectGuardrailRefusal(
      record(who, `deletecollection NetworkPolicies in ${ns}`, await deleteCollection(member, 'networking.k8s.io/v1', 'NetworkPolicy', ns)),
      'deletecollection networkpolicies',
    );
    expectGuardrailRefusal(
      record(
        who,
        `create NetworkPolicy allow-all labelled ${LABELS.managedBy}=${MANAGED_BY}`,
        await create(member, {
          ...networkPolicy('allow-all', ns, platformLabels('payments', 'dev')),
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
        }),
      ),
      'create platform-labelled policy',
    );

    // Its own policy, as a service ships it: accepted, and deleted again.
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'checkout-allow', ns);
    const created = record(
      who,
      `create own NetworkPolicy ${ns}/checkout-allow`,
      await create(member, networkPolicy('checkout-allow', ns, { 'app.kubernetes.io/part-of': 'checkout' }), false),
    );
    expect(created.status, created.message).toBe(201);
    const deleted = record(
      who,
      `delete own NetworkPolicy ${ns}/checkout-allow`,
      await member.delete('networking.k8s.io/v1', 'NetworkPolicy', 'checkout-allow', ns),
    );
    expect(deleted.ok, deleted.message).toBe(true);
    expect((await client.get('networking.k8s.io/v1', 'NetworkPolicy', 'checkout-allow', ns)).status).toBe(404);

    // Production is read-only: not even its own policy.
    expectRbacRefusal(
      record(who, 'create own NetworkPolicy payments-prod/checkout-allow', await create(member, networkPolicy('checkout-allow', 'payments-prod'))),
      'prod policy',
    );
    // Nor another team's namespace.
    expectRbacRefusal(
      record(who, 'create own NetworkPolicy search-dev/checkout-allow', await create(member, networkPolicy('checkout-allow', 'search-dev'))),
      'other team policy',
    );
  });

  it("Argo CD's controller, allowed everything by RBAC, is refused the platform's objects by admission", { timeout: 60_000 }, async () => {
    const argo = client.as(ARGOCD_CONTROLLER);
    const ns = 'payments-dev';
    const who = 'argocd-controller';

    for (const [verb, group, resource] of [
      ['patch', 'networking.k8s.io', 'networkpolicies'],
      ['delete', '', 'resourcequotas'],
      ['delete', 'rbac.authorization.k8s.io', 'rolebindings'],
      ['create', '', 'resourcequotas'],
      ['patch', '', 'namespaces'],
      ['delete', '', 'namespaces'],
    ] as const)
      expect(
        await client.allowed(ARGOCD_CONTROLLER, { verb, group, resource, ...(resource === 'namespaces' ? {} : { namespace: ns }) }),
        `${verb} ${resource}`,
      ).toBe(true);

    expectGuardrailRefusal(
      record(
        who,
        `patch NetworkPolicy ${ns}/default-deny (policyTypes [Ingress]: egress open)`,
        await patch(argo, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns, { spec: { policyTypes: ['Ingress'] } }),
      ),
      'patch default-deny',
    );
    expectGuardrailRefusal(
      record(who, `delete ResourceQuota ${ns}/team-quota`, await argo.delete('v1', 'ResourceQuota', 'team-quota', ns, { dryRun: true })),
      'delete team-quota',
    );
    expectGuardrailRefusal(
      record(who, `delete RoleBinding ${ns}/${TEAM_ROLE}`, await argo.delete('rbac.authorization.k8s.io/v1', 'RoleBinding', TEAM_ROLE, ns, { dryRun: true })),
      'delete paved-team binding',
    );
    expectGuardrailRefusal(
      record(
        who,
        `create ResourceQuota ${ns}/bigger-quota labelled as the platform's`,
        await create(argo, {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'bigger-quota', namespace: ns, labels: platformLabels('payments', 'dev') },
          spec: { hard: { 'requests.cpu': '1000' } },
        }),
      ),
      'create platform-labelled quota',
    );
    expectGuardrailRefusal(
      record(
        who,
        `patch Namespace ${ns} pod-security enforce=privileged`,
        await patch(argo, 'v1', 'Namespace', ns, undefined, { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }),
      ),
      'namespace label',
    );
    expectGuardrailRefusal(record(who, `delete Namespace ${ns}`, await argo.delete('v1', 'Namespace', ns, undefined, { dryRun: true })), 'delete namespace');

    // An ordinary object in the same namespace: accepted, so the refusals above are the policy's.
    await client.delete('v1', 'ConfigMap', 'rbac-e2e-argocd', ns);
    const created = record(
      who,
      `create ConfigMap ${ns}/rbac-e2e-argocd`,
      await create(argo, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rbac-e2e-argocd', namespace: ns }, data: { synced: 'yes' } }, false),
    );
    expect(created.status, created.message).toBe(201);
    const deleted = record(who, `delete ConfigMap ${ns}/rbac-e2e-argocd`, await argo.delete('v1', 'ConfigMap', 'rbac-e2e-argocd', ns));
    expect(deleted.ok, deleted.message).toBe(true);
  });

  it('the platform (system:masters) may change its own objects', { timeout: 60_000 }, async () => {
    const ns = 'payments-dev';
    const who = 'admin (system:masters)';
    const original = rendered.find((object) => object.kind === 'NetworkPolicy' && object.metadata.namespace === ns && object.metadata.name === 'default-deny');
    if (!original) throw new Error('the render has no default-deny in payments-dev');
    const labelsNow = async () => (await client.get('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns)).body.metadata.labels;
    const before = await labelsNow();
    expect(before).toEqual(original.metadata.labels);
    const managers = async () =>
      (
        (
          await client.get<{ metadata: { managedFields?: { manager: string; operation: string; fieldsV1?: unknown }[] } }>(
            'networking.k8s.io/v1',
            'NetworkPolicy',
            'default-deny',
            ns,
          )
        ).body.metadata.managedFields ?? []
      ).map(({ manager, operation, fieldsV1 }) => ({ manager, operation, fieldsV1 }));
    const managedBefore = await managers();

    try {
      // A label added and removed for real.
      const added = record(
        who,
        `patch NetworkPolicy ${ns}/default-deny add label paved.dev/e2e-probe`,
        await patch(client, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns, { metadata: { labels: { 'paved.dev/e2e-probe': 'rbac' } } }, false),
      );
      expect(added.ok, added.message).toBe(true);
      expect((await labelsNow())?.['paved.dev/e2e-probe']).toBe('rbac');
      const removed = record(
        who,
        `patch NetworkPolicy ${ns}/default-deny remove label paved.dev/e2e-probe`,
        await patch(client, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns, { metadata: { labels: { 'paved.dev/e2e-probe': null } } }, false),
      );
      expect(removed.ok, removed.message).toBe(true);
      expect(await labelsNow()).toEqual(before);
      // The platform's own label away and back, and a platform-labelled object created: admitted (dry run).
      const away = record(
        who,
        `patch NetworkPolicy ${ns}/default-deny managed-by=someone-else (dry run)`,
        await patch(client, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny', ns, { metadata: { labels: { [LABELS.managedBy]: 'someone-else' } } }),
      );
      expect(away.ok, away.message).toBe(true);
      const labelled = record(
        who,
        `create ResourceQuota ${ns}/bigger-quota labelled as the platform's (dry run)`,
        await create(client, {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'bigger-quota', namespace: ns, labels: platformLabels('payments', 'dev') },
          spec: { hard: { 'requests.cpu': '1000' } },
        }),
      );
      expect(labelled.status, labelled.message).toBe(201);
    } finally {
      // Whatever happened, the platform's object as the platform renders it.
      await applyPlatform(client, [original]);
    }
    expect(await labelsNow()).toEqual(before);
    // Nothing of the probe is left: no field manager of its own, the platform's entry as it was.
    expect(await managers()).toEqual(managedBefore);
  });
});
